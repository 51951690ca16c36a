// kie.ai as it answers today, end to end: Market-first results, lookups that 404, final codes, links that die, placeholder task IDs.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { RegisteredTask, RegisterTaskOptions, Sandbox, TaskFile } from '../sandbox/index.ts'
import type { DistRun } from '../scripts/runner.ts'
import { useSandbox } from './helpers/sandbox-suite.js'

let sandbox: Sandbox

const run = useSandbox(started => {
  sandbox = started
})

let counter = 0
const T = 'https://tempfile.aiquickdraw.com'

/** A Market task with its own ID; every look after the options' waits answers its outcome. */
function marketTask(options: Partial<RegisterTaskOptions> = {}): Promise<RegisteredTask> {
  return sandbox.registerTask({ type: 'market', taskId: `m-${++counter}-0000ffff`, ...options })
}

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')
const tasksOutput = (r: DistRun): Array<Record<string, unknown>> =>
  JSON.parse(r.outputs.tasks ?? '[]')
const looksOf = (taskId: string): Array<number | undefined> =>
  sandbox.requests.filter(q => q.method === 'GET' && q.taskId === taskId).map(q => q.status)
const resolvesOf = (url: string): number =>
  sandbox.requests.filter(q => q.method === 'POST' && q.url === url).length

/** Two Suno tracks through Market: an MP3 each, a cover and an extension-less stream each. */
function sunoFiles(id: number): { files: TaskFile[]; extras: TaskFile[] } {
  const files = [0, 1].map(i => ({ url: `${T}/s/song-${id}-${i}.mp3`, size: 3000 + i }))
  const extras = [0, 1].flatMap(i => [
    { url: `https://musicfile.kie.ai/cover-${id}-${i}.jpeg`, size: 1000 + i },
    { url: `https://musicfile.kie.ai/stream-${id}-${i}`, size: 2000 + i, contentType: 'audio/mpeg' }
  ])
  return { files, extras }
}

describe('Market-first results', () => {
  it.each([
    ['snake_case', 'doc'],
    ['camelCase', 'alt']
  ] as const)(
    'a Suno task through Market (%s) downloads its tracks, and with results: all its covers and streams',
    async (_, spelling) => {
      const id = ++counter
      const { files, extras } = sunoFiles(id)
      const t = await marketTask({ marketResult: 'suno', spelling, files, extras })
      const inputs = { 'task-ids': t.taskId, 'task-type': 'market', filename: '{n}-{name}' }
      const main = await run(inputs)
      expect(main.code).toBe(0)
      expect(main.files.map(f => [f.name, f.sha256])).toEqual([
        [`1-song-${id}-0.mp3`, t.files[0].sha256],
        [`2-song-${id}-1.mp3`, t.files[1].sha256]
      ])
      for (const f of main.files) expect(sha256(f.path as string)).toBe(f.sha256)

      const all = await run({ ...inputs, results: 'all' })
      expect(all.code).toBe(0)
      // {n} numbers the tracks first, then each track's cover and stream (audio/mpeg: .mp3).
      expect(all.files.map(f => [f.name, f.sha256])).toEqual([
        [`1-song-${id}-0.mp3`, t.files[0].sha256],
        [`2-song-${id}-1.mp3`, t.files[1].sha256],
        [`3-cover-${id}-0.jpeg`, t.extras[0].sha256],
        [`4-stream-${id}-0.mp3`, t.extras[1].sha256],
        [`5-cover-${id}-1.jpeg`, t.extras[2].sha256],
        [`6-stream-${id}-1.mp3`, t.extras[3].sha256]
      ])
      for (const f of all.files) expect(sha256(f.path as string)).toBe(f.sha256)
      expect(tasksOutput(all)).toEqual([
        { taskId: t.taskId, type: 'market', state: 'success', files: 6, error: null }
      ])
    },
    20_000
  )

  // A Market task answering 404 "Task Not Found" at first, then done, is waited for and downloaded
  // in contract.test.ts (task mode), within a run that waits for running tasks anyway: a look
  // after a 404 comes 3 real seconds later.
})

describe('final codes', () => {
  it('408 and 501 fail their tasks at the first look with kie.ai’s message, whatever the HTTP status', async () => {
    const timedOut = await marketTask({ answerCode: 408 })
    const failed = await marketTask({ answerCode: 501 })
    const httpStyle = await sandbox.registerTask({ type: 'veo', taskId: `v-${++counter}-408` })
    sandbox.inject({
      target: 'api',
      url: httpStyle.taskId,
      fault: { kind: 'code', code: 408, httpStatus: 408, msg: 'No result from upstream' },
      times: Infinity
    })
    const r = await run({
      'task-ids': JSON.stringify(
        [timedOut, failed, httpStyle].map(t => ({ taskId: t.taskId, type: t.type }))
      ),
      wait: '60'
    })
    expect(r.code).toBe(1)
    expect(tasksOutput(r).map(t => t.state)).toEqual(['failed', 'failed', 'failed'])
    const errors = r.files.map(f => f.error)
    expect(errors[0]).toMatch(
      /^kie\.ai task details .* answered 408: .*"Upstream service has not returned results for more than 10 minutes"$/
    )
    expect(errors[1]).toMatch(
      /^kie\.ai task details .* answered 501: generation failed: "Generation failed"$/
    )
    expect(errors[2]).toMatch(/^kie\.ai task details .* answered 408: .*"No result from upstream"$/)
    // One look each: no grace, no retry, no waiting for `wait`.
    for (const t of [timedOut, failed, httpStyle]) expect(looksOf(t.taskId)).toHaveLength(1)
    expect(r.ms).toBeLessThan(15_000)
  }, 20_000)

  it('433 stops the run once, naming the sub-key limit', async () => {
    const tasks = [await marketTask({ answerCode: 433 }), await marketTask(), await marketTask()]
    const r = await run({
      'task-ids': tasks.map(t => t.taskId).join('\n'),
      'task-type': 'market',
      concurrency: '1'
    })
    expect(r.code).toBe(1)
    expect(r.log.match(/■ Stopped: .*answered 433: sub-key limit exceeded/g)).toHaveLength(1)
    expect(r.log.match(/^::error::/gm)).toHaveLength(1)
    expect(r.log).toMatch(/^::error::The run stopped: .*sub-key limit exceeded/m)
    expect(r.summary.match(/sub-key limit exceeded/g)).toHaveLength(1)
    // The one lookup that met the 433; the tasks behind it were never asked.
    expect(sandbox.requests.filter(q => q.method === 'GET')).toHaveLength(1)
    expect(tasksOutput(r).map(t => t.state)).toEqual(['failed', 'failed', 'failed'])
  }, 20_000)
})

describe('links that die', () => {
  it('a file gone from the host fails at once as expired after two download-url calls; the other files land', async () => {
    const t = await marketTask({
      files: [
        { url: `${T}/h/kept-1.png`, size: 1200 },
        { url: `${T}/h/gone.png`, size: 1300, gone: 404 },
        { url: `${T}/h/kept-2.png`, size: 1400 }
      ]
    })
    const listedGone = await sandbox.register({ url: `${T}/v/old.png`, size: 500, gone: 410 })
    const listedOk = await sandbox.register({ url: `${T}/v/fine.png`, size: 600 })
    const denied = await sandbox.register({ url: `${T}/v/denied.png`, size: 700, gone: 403 })
    const r = await run({
      urls: JSON.stringify([
        listedGone.url,
        listedOk.url,
        { taskId: t.taskId, type: 'market' },
        denied.url
      ]),
      retries: '3'
    })
    expect(r.code).toBe(1)
    expect(r.files.map(f => [f.url, f.status])).toEqual([
      [listedGone.url, 'failed'],
      [listedOk.url, 'downloaded'],
      [t.files[0].url, 'downloaded'],
      [t.files[1].url, 'failed'],
      [t.files[2].url, 'downloaded'],
      [denied.url, 'failed']
    ])
    expect(r.files[0].error).toBe(
      'the file has expired on kie.ai (kept up to 14 days, links often die sooner): file host answered HTTP 410 Gone again with a fresh signed URL'
    )
    expect(r.files[3].error).toMatch(
      /^the file has expired on kie\.ai \(kept up to 14 days, links often die sooner; its task was created 2023-11-14 22:13 UTC, \d+ days ago\): file host answered HTTP 404 NoSuchKey again with a fresh signed URL$/
    )
    expect(r.files[5].error).toBe(
      'the file has expired on kie.ai (kept up to 14 days, links often die sooner): file host refused the signed URL (HTTP 403 AccessDenied) again with a fresh signed URL'
    )
    for (const gone of [listedGone.url, t.files[1].url, denied.url]) {
      expect(resolvesOf(gone)).toBe(2)
      expect(sandbox.requests.filter(q => q.target === 'file' && q.url === gone)).toHaveLength(2)
    }
    expect(r.log).not.toMatch(/↻/)
    for (const f of r.files.filter(f => f.status === 'downloaded')) {
      expect(sha256(f.path as string)).toBe(f.sha256)
    }
    expect(existsSync(path.join(r.workspace.dir, 'kie-downloads', 'gone.png'))).toBe(false)
    expect(r.ms).toBeLessThan(15_000)
  }, 20_000)
})

describe('placeholder task IDs', () => {
  it('a null task ID is refused before any request, with a hint that the generation step failed', async () => {
    const t = await marketTask({ files: [{ url: `${T}/h/never.png`, size: 100 }] })
    const r = await run({ 'task-ids': `${t.taskId}\nnull`, 'task-type': 'market' })
    expect(r.code).toBe(1)
    expect(r.log).toMatch(
      /^::error::Input 'task-ids' has "null" as the task ID on line 2, so the generation step that made it probably failed: /m
    )
    expect(sandbox.requests).toEqual([])
    expect(r.files).toEqual([])
  }, 20_000)
})
