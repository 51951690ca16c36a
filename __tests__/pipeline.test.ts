// The pipeline's corner cases: names independent of finish order, partial tasks, results settings, stops and cancels.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import { Sandbox, type TaskFile } from '../sandbox/index.ts'
import { CancelledError } from '../src/errors.js'
import type { Clock } from '../src/util/clock.js'
import { makeWorkspace, type Workspace } from '../scripts/runner.ts'
import { instantClock, runAction } from './helpers/run-action.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await Sandbox.start()
})
afterAll(() => sb.close())
afterEach(() => {
  sb.clearFaults()
  sb.clearRequests()
})

const R = (name: string): string => `https://tempfile.aiquickdraw.com/r/${name}`
const files = (...names: string[]): TaskFile[] => names.map(name => ({ url: R(name), size: 64 }))

/** A Market task that answers "generating" `looks` times, then lists these files. */
function task(taskId: string, looks: number, main: string[], extras: string[] = []) {
  return sb.registerTask({
    type: 'market',
    taskId,
    pendingLooks: looks,
    files: files(...main),
    extras: files(...extras)
  })
}

/** What the run asked kie.ai, in order: `lookup <taskId>` and `resolve <url>`. */
function calls(): string[] {
  return sb.requests
    .filter(r => r.target === 'api')
    .map(r => (r.taskId !== undefined ? `lookup ${r.taskId}` : `resolve ${r.url}`))
}

/** kie.ai refuses download-url for this URL with this code, however often it is asked. */
function refuse(url: string, code: number): void {
  sb.inject({ target: 'api', url, fault: { kind: 'code', code }, times: Infinity })
}

const onDisk = (ws: Workspace): string[] =>
  readdirSync(path.join(ws.dir, 'kie-downloads'))
    .filter(f => !f.startsWith('.'))
    .sort()

function run(inputs: Record<string, string>, workspace = makeWorkspace(), clock?: Clock) {
  return runAction(
    { 'api-key': sb.apiKey, 'base-url': sb.baseUrl, 'task-type': 'market', ...inputs },
    { workspace, deps: { clock: clock ?? instantClock() } }
  )
}

describe('names', () => {
  it('two tasks with the same result URL give the same names whichever finishes first', async () => {
    const names = async (aLooks: number, bLooks: number): Promise<unknown> => {
      await task('taskA', aLooks, ['same.png'])
      await task('taskB', bLooks, ['same.png'])
      const r = await run({ 'task-ids': 'taskA\ntaskB' })
      return r.files.map(f => [f.name, f.status])
    }
    const aFirst = await names(0, 2)
    expect(aFirst).toEqual([
      ['same.png', 'downloaded'],
      ['same-2.png', 'downloaded']
    ])
    expect(await names(2, 0)).toEqual(aFirst)
  })

  it('a task result that repeats an earlier listed URL is fetched once and stays in its task', async () => {
    await task('T', 0, ['x.png'])
    const r = await run({ urls: JSON.stringify([R('x.png'), { taskId: 'T', type: 'market' }]) })
    expect(r.files.map(f => [f.taskId, f.status])).toEqual([
      [null, 'downloaded'],
      ['T', 'downloaded']
    ])
    expect(r.files[1]).toMatchObject({ name: 'x.png' })
    expect(calls().filter(c => c.startsWith('resolve'))).toHaveLength(1)
    // Its row keeps its own task and family: the log names the task beside it.
    expect(JSON.parse(r.outputs.tasks)[0]).toMatchObject({ taskId: 'T', files: 1 })
    expect(r.log).toMatch(/↷ x\.png .*same URL as #1, fetched once {2}market task/)
  })
})

describe('start order', () => {
  it('asks for videos, then audio, then the rest, each in input order; names and rows keep input order', async () => {
    const listed = ['a.png', 'b.png', 'clip.mp4', 'c.png', 'song.mp3', 'more.webm']
    for (const name of listed) await sb.register({ url: R(name), size: 64 })
    const r = await run({ urls: listed.map(R).join('\n'), concurrency: '1' })
    expect(calls()).toEqual(
      ['clip.mp4', 'more.webm', 'song.mp3', 'a.png', 'b.png', 'c.png'].map(n => `resolve ${R(n)}`)
    )
    expect(r.files.map(f => [f.name, f.status])).toEqual(listed.map(n => [n, 'downloaded']))
  })
})

describe('if-exists: skip', () => {
  it('a re-run after a partly fetched task keeps the file already there and fetches only the rest', async () => {
    await task('T', 0, ['m1.png', 'm2.png'])
    refuse(R('m2.png'), 422)
    const ws = makeWorkspace()
    const first = await run({ 'task-ids': 'T', 'if-exists': 'skip' }, ws)
    expect(first.files.map(f => f.status)).toEqual(['downloaded', 'failed'])
    sb.clearFaults()
    sb.clearRequests()
    const again = await run({ 'task-ids': 'T', 'if-exists': 'skip' }, ws)
    expect(again.files.map(f => [f.name, f.status])).toEqual([
      ['m1.png', 'skipped'],
      ['m2.png', 'downloaded']
    ])
    expect(onDisk(ws)).toEqual(['m1.png', 'm2.png'])
    expect(calls()).toEqual(['lookup T', `resolve ${R('m2.png')}`])
    // Now the record knows the whole task: a third run asks kie.ai nothing.
    sb.clearRequests()
    const third = await run({ 'task-ids': 'T', 'if-exists': 'skip' }, ws)
    expect(third.files.map(f => f.status)).toEqual(['skipped', 'skipped'])
    expect(calls()).toEqual([])
  })

  it('results: all after a results: main run looks the task up again for its extras', async () => {
    await task('T', 0, ['a.png'], ['a-wm.png'])
    const ws = makeWorkspace()
    await run({ 'task-ids': 'T', 'if-exists': 'skip' }, ws)
    sb.clearRequests()
    const all = await run({ 'task-ids': 'T', 'if-exists': 'skip', results: 'all' }, ws)
    expect(all.files.map(f => [f.name, f.status])).toEqual([
      ['a.png', 'skipped'],
      ['a-wm.png', 'downloaded']
    ])
    expect(calls()).toEqual(['lookup T', `resolve ${R('a-wm.png')}`])
    // And back to main: the recorded task answers, with its main file only.
    sb.clearRequests()
    const main = await run({ 'task-ids': 'T', 'if-exists': 'skip' }, ws)
    expect(main.files.map(f => [f.name, f.status])).toEqual([['a.png', 'skipped']])
    expect(calls()).toEqual([])
  })

  it('records the time stamp of each file it placed: a re-run trusts the recorded hash while size and time stay', async () => {
    const placed = await sb.register({ url: R('t.png'), size: 64 })
    const ws = makeWorkspace()
    const inputs = { urls: R('t.png'), 'if-exists': 'skip' }
    expect((await run(inputs, ws)).files[0]).toMatchObject({ sha256: placed.sha256 })
    const file = path.join(ws.dir, 'kie-downloads', 't.png')
    // Other bytes of the same size under the same time stamp: the record vouches, nothing is hashed.
    const { mtime } = statSync(file)
    const other = Buffer.alloc(64, 1)
    writeFileSync(file, other)
    utimesSync(file, mtime, mtime)
    expect((await run(inputs, ws)).files[0]).toMatchObject({
      status: 'skipped',
      sha256: placed.sha256
    })
    // Touched since: hashed again; the record keeps the new time stamp, and the next run trusts it.
    const later = new Date(mtime.getTime() + 5_000)
    utimesSync(file, later, later)
    const otherSha = createHash('sha256').update(other).digest('hex')
    expect((await run(inputs, ws)).files[0]).toMatchObject({ sha256: otherSha })
    writeFileSync(file, Buffer.alloc(64, 2))
    utimesSync(file, later, later)
    expect((await run(inputs, ws)).files[0]).toMatchObject({ sha256: otherSha })
    expect(calls()).toEqual([`resolve ${R('t.png')}`])
  })
})

describe('stops and cancels', () => {
  it('a 402 wakes tasks sleeping between looks: the run ends without waiting for their next look', async () => {
    await task('slow', 1000, ['never.png'])
    await sb.register({ url: R('u.png'), size: 64 })
    refuse(R('u.png'), 402)
    // Sleeps that only a cancel or stop ends: without the wake-up this run would never finish.
    const stuck: Clock = {
      now: Date.now,
      random: () => 0.5,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true })
        )
    }
    const r = await run(
      { urls: JSON.stringify([{ taskId: 'slow', type: 'market' }, R('u.png')]) },
      makeWorkspace(),
      stuck
    )
    expect(r.failed).toBe(true)
    expect(JSON.parse(r.outputs.tasks)[0]).toMatchObject({ state: 'failed', error: 'not started' })
    expect(r.files[1].error).toMatch(/answered 402/)
    expect(r.log).toMatch(/■ Stopped: .*answered 402/)
    expect(r.log).toMatch(/✖ market task slow failed after .*: not started/)
  })

  it('a 401 on the first call keeps every other entry from starting, each said once as not started', async () => {
    for (const name of ['k1.png', 'k2.png', 'k3.png']) await sb.register({ url: R(name), size: 64 })
    refuse(R('k1.png'), 401)
    const r = await run({
      urls: [R('k1.png'), R('k2.png'), R('k3.png')].join('\n'),
      concurrency: '1'
    })
    expect(calls()).toEqual([`resolve ${R('k1.png')}`])
    expect(r.files.map(f => f.error)).toEqual([
      expect.stringMatching(/answered 401/),
      'not started',
      'not started'
    ])
    expect(r.log).toMatch(/^0 files downloaded, 1 failed, 2 not started · /m)
    expect(r.summary).toMatch(/\| 2–\u20603 \| 2\u00a0entries \| {2}\| ⏹️\u00a0not\u00a0started \|/)
  })

  it('a cancel while waiting for the destination lock still reports every entry as cancelled', async () => {
    const ws = makeWorkspace()
    const dir = path.join(ws.dir, 'kie-downloads')
    mkdirSync(dir)
    const holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
    writeFileSync(path.join(dir, '.kie-download.lock'), JSON.stringify(holder))
    const controller = new AbortController()
    setTimeout(() => controller.abort(new CancelledError('SIGTERM')), 200)
    const r = await runAction(
      { 'api-key': sb.apiKey, 'base-url': sb.baseUrl, urls: `${R('a.png')}\n${R('b.png')}` },
      { workspace: ws, deps: { clock: instantClock(), signal: controller.signal } }
    )
    expect(r.failed).toBe(true)
    expect(r.outputs).toMatchObject({ count: '0', failed: '2' })
    expect(r.files.map(f => f.error)).toEqual(['cancelled', 'cancelled'])
    expect(r.summary).not.toBe('')
    expect(r.log).toMatch(/cancelled by SIGTERM/)
    expect(calls()).toEqual([])
  })
})

describe('a task listed more than once', () => {
  it('is looked up and fetched once; every position reports the same files, and the log says so', async () => {
    await task('dup', 1, ['d1.png', 'd2.png'])
    await task('other', 0, ['o.png'])
    const r = await run({ 'task-ids': 'dup,other,dup,dup', filename: '{index}-{name}' })
    expect(r.failed).toBe(false)
    expect(calls().filter(c => c === 'lookup dup')).toHaveLength(2)
    expect(calls().filter(c => c.startsWith('resolve'))).toHaveLength(3)
    expect(r.files.map(f => [f.taskId, f.name, f.status])).toEqual([
      ['dup', '1-d1.png', 'downloaded'],
      ['dup', '2-d2.png', 'downloaded'],
      ['other', '3-o.png', 'downloaded'],
      ['dup', '1-d1.png', 'downloaded'],
      ['dup', '2-d2.png', 'downloaded'],
      ['dup', '1-d1.png', 'downloaded'],
      ['dup', '2-d2.png', 'downloaded']
    ])
    expect(JSON.parse(r.outputs.tasks).map((t: { state: string }) => t.state)).toEqual([
      'success',
      'success',
      'success',
      'success'
    ])
    expect(r.outputs.count).toBe('3')
    expect(r.log).toMatch(
      /↷ market task dup is listed 3 times \(entries 1, 3, 4\): looked up and downloaded once/
    )
    // The totals count each file once.
    expect(r.log).toMatch(/^3 files downloaded · /m)
    expect(r.summary).toMatch(/^\| 1, 4, 6 \| ↳\u00a0`1-d1\.png`/m)
  })

  it('a failed task listed twice is one failure, reported at both positions', async () => {
    const r = await run({ 'task-ids': 'missing,missing', wait: '0', 'fail-on-error': 'false' })
    expect(calls()).toEqual(['lookup missing'])
    expect(r.files.map(f => [f.taskId, f.status])).toEqual([
      ['missing', 'failed'],
      ['missing', 'failed']
    ])
    expect(r.files[1].error).toBe(r.files[0].error)
    expect(r.log).toMatch(/^::warning::1 of 1 task failed:/m)
  })

  it('a skip re-run settles every position from the record, without a lookup', async () => {
    await task('dup', 0, ['s.png'])
    const ws = makeWorkspace()
    await run({ 'task-ids': 'dup\ndup', 'if-exists': 'skip' }, ws)
    sb.clearRequests()
    const again = await run({ 'task-ids': 'dup\ndup', 'if-exists': 'skip' }, ws)
    expect(calls()).toEqual([])
    expect(again.files.map(f => [f.name, f.status])).toEqual([
      ['s.png', 'skipped'],
      ['s.png', 'skipped']
    ])
    expect(JSON.parse(again.outputs.tasks).map((t: { state: string }) => t.state)).toEqual([
      'skipped',
      'skipped'
    ])
  })
})
