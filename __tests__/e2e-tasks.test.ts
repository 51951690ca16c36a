// Task mode end to end: the bundled action waits for tasks of every family and downloads their results.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { RegisteredTask, Sandbox, TaskFamily } from '../sandbox/index.ts'
import { type DistRun, makeWorkspace } from '../scripts/runner.ts'
import { useSandbox } from './helpers/sandbox-suite.js'
import { FAMILY_NAMES } from '../src/constants.js'

const FAMILIES: TaskFamily[] = [...FAMILY_NAMES]

/** How many main results and extras each family's answer can carry. */
const SHAPE: Record<TaskFamily, { main: number; extras: number; ext: string }> = {
  market: { main: 2, extras: 1, ext: 'png' },
  '4o-image': { main: 2, extras: 0, ext: 'png' },
  'flux-kontext': { main: 1, extras: 1, ext: 'png' },
  veo: { main: 1, extras: 1, ext: 'mp4' },
  runway: { main: 1, extras: 1, ext: 'mp4' },
  aleph: { main: 1, extras: 1, ext: 'mp4' },
  luma: { main: 1, extras: 1, ext: 'mp4' },
  midjourney: { main: 4, extras: 0, ext: 'jpeg' },
  suno: { main: 2, extras: 2, ext: 'mp3' },
  'suno-wav': { main: 1, extras: 0, ext: 'wav' },
  'suno-stems': { main: 2, extras: 1, ext: 'mp3' },
  'suno-mp4': { main: 1, extras: 0, ext: 'mp4' },
  'suno-cover': { main: 2, extras: 0, ext: 'png' }
}

let sandbox: Sandbox

const run = useSandbox(started => {
  sandbox = started
})

let counter = 0
/**
 * A task of `type` with its results registered. Done at its first look unless `extra` says
 * otherwise: a look that answers "running" costs a real 3 s before the next one (the watcher's
 * first interval), so only the tests about waiting pay for one.
 */
async function task(
  type: TaskFamily,
  extra: Partial<Parameters<Sandbox['registerTask']>[0]> = {}
): Promise<RegisteredTask> {
  const id = `${type}-${++counter}-${'0'.repeat(8)}`
  const shape = SHAPE[type]
  const file = (kind: string, i: number): { url: string; size: number } => ({
    url: `https://tempfile.aiquickdraw.com/${kind}/${id}-${i}.${kind === 'x' ? 'jpg' : shape.ext}`,
    size: 4096 + i
  })
  return sandbox.registerTask({
    type,
    taskId: id,
    files: Array.from({ length: shape.main }, (_, i) => file('r', i)),
    extras: Array.from({ length: shape.extras }, (_, i) => file('x', i)),
    ...extra
  })
}

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')
const tasksOutput = (r: DistRun): Array<Record<string, unknown>> =>
  JSON.parse(r.outputs.tasks ?? '[]')

describe('task mode', () => {
  // Done at the first look: waiting through each family's running answers, in both spellings, is
  // proven once, through Prism (contract.test.ts, task mode).
  it.each(['doc', 'alt'] as const)(
    'looks up a task of every family and downloads its main results (%s spelling)',
    async spelling => {
      const tasks = []
      for (const type of FAMILIES) tasks.push(await task(type, { spelling }))
      const r = await run({
        'task-ids': JSON.stringify(tasks.map(t => ({ taskId: t.taskId, type: t.type })))
      })
      expect(r.code).toBe(0)
      expect(tasksOutput(r)).toEqual(
        tasks.map(t => ({
          taskId: t.taskId,
          type: t.type,
          state: 'success',
          files: t.files.length,
          error: null
        }))
      )
      const expected = tasks.flatMap(t => t.files)
      expect(r.files.map(f => f.sha256)).toEqual(expected.map(f => f.sha256))
      for (const f of r.files) expect(sha256(f.path as string)).toBe(f.sha256)
      // Every 4o result went through the endpoint made for (taskId, url) pairs; the rest through common.
      const resolves = sandbox.requests.filter(q => q.method === 'POST')
      const fourO = tasks.find(t => t.type === '4o-image') as RegisteredTask
      expect(resolves.filter(q => q.path.includes('gpt4o-image')).map(q => q.body)).toEqual(
        expect.arrayContaining(fourO.files.map(f => ({ taskId: fourO.taskId, url: f.url })))
      )
      expect(resolves).toHaveLength(expected.length)
    },
    30_000
  )

  it('results: all also downloads the extras, after each task’s main files, with {n} counting within the task', async () => {
    const a = await task('suno')
    const b = await task('veo')
    const good = await run({
      'task-ids': JSON.stringify([
        { taskId: a.taskId, type: 'suno' },
        { taskId: b.taskId, type: 'veo' }
      ]),
      results: 'all',
      filename: '{taskId}/{n}-{name}'
    })
    expect(good.code).toBe(0)
    const want = [...a.files, ...a.extras, ...b.files, ...b.extras]
    expect(good.files.map(f => f.sha256)).toEqual(want.map(f => f.sha256))
    expect(good.files.map(f => (f.name as string).split('/')[1].split('-')[0])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '1',
      '2'
    ])
    expect(tasksOutput(good).map(t => t.files)).toEqual([4, 2])
  }, 30_000)

  it('failed, timed-out and text-only tasks are reported per task and fail the step', async () => {
    const ok = await task('market')
    const failed = await task('4o-image', {
      outcome: 'fail',
      failMsg: 'prompt contains prohibited content'
    })
    const text = await task('market', { outcome: 'text' })
    const slow = await task('veo', { pendingLooks: 1000 })
    const r = await run({
      'task-ids': JSON.stringify(
        [ok, failed, text, slow].map(t => ({ taskId: t.taskId, type: t.type }))
      ),
      wait: '2'
    })
    expect(r.code).not.toBe(0)
    expect(tasksOutput(r).map(t => [t.taskId, t.state, t.files])).toEqual([
      [ok.taskId, 'success', 2],
      [failed.taskId, 'failed', 0],
      [text.taskId, 'failed', 0],
      [slow.taskId, 'timeout', 0]
    ])
    const rows = r.files.filter(f => f.url === null)
    expect(rows.map(f => [f.taskId, f.status])).toEqual([
      [failed.taskId, 'failed'],
      [text.taskId, 'failed'],
      [slow.taskId, 'failed']
    ])
    expect(rows[0].error).toMatch(/prohibited content/)
    expect(rows[1].error).toMatch(/produced no file to download/)
    expect(rows[2].error).toMatch(/still generating/)
    expect(r.outputs.failed).toBe('3')
    // fail-on-error: false lets the step pass with warnings.
    const lenient = await run({
      'task-ids': JSON.stringify([failed].map(t => ({ taskId: t.taskId, type: t.type }))),
      'fail-on-error': 'false'
    })
    expect(lenient.code).toBe(0)
    expect(lenient.log).toMatch(/^::warning::.*prohibited content/m)
  }, 30_000)

  it('a skip re-run over the same tasks makes no API call at all', async () => {
    const tasks = [await task('midjourney'), await task('suno')]
    const inputs = {
      'task-ids': JSON.stringify(tasks.map(t => ({ taskId: t.taskId, type: t.type }))),
      'if-exists': 'skip'
    }
    const workspace = makeWorkspace()
    const first = await run(inputs, { workspace })
    expect(first.code).toBe(0)
    sandbox.clearRequests()
    const again = await run(inputs, { workspace })
    expect(again.code).toBe(0)
    expect(sandbox.requests).toEqual([])
    expect(again.files.map(f => f.status)).toEqual(first.files.map(() => 'skipped'))
    expect(again.files.map(f => f.path)).toEqual(first.files.map(f => f.path))
    expect(tasksOutput(again).map(t => t.state)).toEqual(['skipped', 'skipped'])
  }, 30_000)

  it('a task asked for under the wrong family fails with a hint to check task-type', async () => {
    const t = await task('veo')
    const r = await run({ 'task-ids': t.taskId, 'task-type': 'suno', wait: '0' })
    expect(r.code).not.toBe(0)
    expect(tasksOutput(r)[0]).toMatchObject({ state: 'failed', files: 0 })
    expect(r.files[0].error).toMatch(/task-type/)
    expect(r.files[0].error).toMatch(/14 days/)
  }, 30_000)

  it('keeps lookups under 10 per second in all and one per second per task', async () => {
    // Twelve tasks looked up at once would be twelve lookups in the first second; each is running
    // at its first look, so it is looked at again. The pacing itself, over many tasks and
    // seconds, is the governor's and the watcher's (governor.test.ts, task-watch.test.ts): this
    // proves the bundled action keeps to it on the wire.
    const TASKS = 12
    const tasks = []
    for (let i = 0; i < TASKS; i++)
      tasks.push(await task('market', { pendingLooks: 1, files: [], extras: [], outcome: 'text' }))
    await run({
      'task-ids': tasks.map(t => t.taskId).join(','),
      'task-type': 'market',
      'fail-on-error': 'false'
    })
    const looks = sandbox.requests
      .filter(q => q.method === 'GET')
      .map(q => ({ at: q.at, id: q.query.taskId }))
    expect(looks).toHaveLength(TASKS * 2)
    for (const look of looks) {
      const inWindow = looks.filter(l => l.at >= look.at && l.at < look.at + 1000)
      expect(inWindow.length).toBeLessThanOrEqual(10)
    }
    for (const t of tasks) {
      const times = looks.filter(l => l.id === t.taskId).map(l => l.at)
      for (let i = 1; i < times.length; i++)
        expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000)
    }
  }, 30_000)

  it('one list can mix file URLs and task items', async () => {
    const file = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/v/mixed.png',
      size: 1000
    })
    const t = await task('flux-kontext')
    const r = await run({
      urls: JSON.stringify([file.url, { taskId: t.taskId, type: 'flux-kontext' }])
    })
    expect(r.code).toBe(0)
    expect(r.files.map(f => [f.taskId, f.sha256])).toEqual([
      [null, file.sha256],
      ...t.files.map(f => [t.taskId, f.sha256])
    ])
  }, 30_000)
})
