// The task watcher as a whole: looks through the lookup it is given, sleeps on the clock, ends each task once.
import { describe, expect, it, jest } from '@jest/globals'
import { CancelledError, TransferError } from '../src/errors.js'
import { RecordMissingError, TaskEndedError } from '../src/errors.js'
import type { FamilyName } from '../src/constants.js'
import { MAX_INTERVAL_MS } from '../src/tasks/task-wait.js'
import { type TaskWatcherOptions, TaskWatcher } from '../src/tasks/watch.js'
import type { Clock } from '../src/util/clock.js'
import { VIRTUAL_EPOCH as START, VirtualClock } from './helpers/virtual-clock.js'

const URL_A = 'https://tempfile.aiquickdraw.com/v/a.png'
const running4o = { status: 'GENERATING', successFlag: 0, progress: '0.48' }
const done4o = { status: 'SUCCESS', successFlag: 1, response: { resultUrls: [URL_A] } }
const recordNull = (): Error => new RecordMissingError('answered 422: "record is null"')
const taskNotFound = (): Error =>
  new RecordMissingError('answered 404: task not found: "Task Not Found"', '404 "Task Not Found"')

/** A lookup answering from a script (the last entry repeats), recording when each look came. */
function scripted(clock: Clock, ...answers: Array<unknown>) {
  const at: number[] = []
  const lookup = jest.fn((_type: FamilyName, _taskId: string, _signal: AbortSignal) => {
    at.push(clock.now() - START)
    const answer = answers[Math.min(at.length - 1, answers.length - 1)]
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
  })
  return { lookup, at }
}

function watcher(
  clock: Clock,
  lookup: TaskWatcherOptions['lookup'],
  options: Partial<TaskWatcherOptions> = {}
): TaskWatcher {
  return new TaskWatcher({
    lookup,
    clock,
    deadline: START + 900_000,
    signal: new AbortController().signal,
    ...options
  })
}

const task = { taskId: 'task12345', type: '4o-image' as const }

describe('TaskWatcher', () => {
  it('looks at once and returns the files of a finished task', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, done4o)
    await expect(watcher(clock, lookup).watch(task)).resolves.toEqual({
      state: 'success',
      main: [URL_A],
      extras: [],
      ms: 0
    })
    expect(at).toEqual([0])
    expect(lookup).toHaveBeenCalledWith('4o-image', 'task12345', expect.any(AbortSignal))
  })

  it('polls every 3 s at first, growing by 1.5 up to 30 s', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, ...Array(12).fill(running4o), done4o)
    const outcome = await watcher(clock, lookup).watch(task)
    expect(outcome.state).toBe('success')
    expect(clock.sleeps.slice(0, 7)).toEqual([3000, 4500, 6750, 10125, 15187.5, 22781.25, 30000])
    expect(clock.sleeps.slice(6)).toEqual(Array(6).fill(MAX_INTERVAL_MS))
  })

  it('counts the interval from the answer, so a lookup that queued (the run’s lookup cap) is not followed too soon', async () => {
    const clock = VirtualClock.instant({ start: START })
    const sent: number[] = []
    let n = 0
    const lookup = async (): Promise<unknown> => {
      // The first lookup waits 2.5 s in the governor's queue before it goes out.
      if (n++ === 0) await clock.sleep(2500)
      sent.push(clock.now() - START)
      return n < 3 ? running4o : done4o
    }
    await watcher(clock, lookup).watch(task)
    expect(sent).toEqual([2500, 5500, 10000])
  })

  it('jitters each wait by at most 10 %, never past 30 s', async () => {
    for (const random of [0, 0.999]) {
      const clock = VirtualClock.instant({ start: START, random: random })
      const { lookup } = scripted(clock, ...Array(10).fill(running4o), done4o)
      await watcher(clock, lookup).watch(task)
      expect(clock.sleeps[0]).toBeCloseTo(random === 0 ? 2700 : 3300, -1)
      for (const ms of clock.sleeps) expect(ms).toBeLessThanOrEqual(MAX_INTERVAL_MS)
    }
  })

  it('fails a task still running at the deadline with its last status in words and progress', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, running4o)
    const outcome = await watcher(clock, lookup).watch(task)
    expect(outcome).toEqual({
      state: 'timeout',
      error: 'still generating after 900 s (last status: generating, 48%)',
      ms: 900_000
    })
    // The last look is at the deadline, none after it.
    expect(at[at.length - 1]).toBe(900_000)
  })

  it('with wait 0, fails a task not finished at the first look', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, { state: 'queuing' })
    const outcome = await watcher(clock, lookup, { deadline: START }).watch({
      taskId: 'm1',
      type: 'market'
    })
    expect(outcome.state).toBe('timeout')
    expect(outcome).toMatchObject({
      error: 'not finished at the first look, and wait allows no more time (last status: queuing)'
    })
    expect(at).toEqual([0])
  })

  it('never looks at one task twice within a second, even when the deadline is near', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, running4o)
    await watcher(clock, lookup, { deadline: START + 3_500 }).watch(task)
    expect(at).toEqual([0, 3000])
    const gaps = at.slice(1).map((t, i) => t - at[i])
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000)
  })

  it('tolerates 422 "record is null" during the grace period, then reads the task', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, recordNull(), recordNull(), recordNull(), done4o)
    await expect(watcher(clock, lookup).watch(task)).resolves.toMatchObject({ state: 'success' })
  })

  it('fails a task that answers nothing but 422 at the end of the grace period', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, recordNull())
    const outcome = await watcher(clock, lookup).watch({ taskId: 'abc', type: 'veo' })
    expect(outcome.state).toBe('failed')
    expect(outcome.ms).toBe(90_000)
    expect(at[at.length - 1]).toBe(90_000)
    expect(outcome).toMatchObject({
      error: `not found: kie.ai answered 422 "record is null" ${at.length} times over 90 s. Check task-type (the task may belong to another family than veo) and that the task is less than 14 days old.`
    })
  })

  it('tolerates 404 "Task Not Found" during the grace period like 422, then reads the task', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, taskNotFound(), taskNotFound(), recordNull(), done4o)
    await expect(watcher(clock, lookup).watch(task)).resolves.toMatchObject({ state: 'success' })
    expect(at).toEqual([0, 3000, 7500, 14250])
  })

  it('fails a task that answers nothing but 404 at the end of the grace period, naming what kie.ai said', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, taskNotFound(), recordNull())
    const outcome = await watcher(clock, lookup).watch({ taskId: 'm-404', type: 'market' })
    expect(outcome).toEqual({
      state: 'failed',
      ms: 90_000,
      error: `not found: kie.ai answered 404 "Task Not Found" and 422 "record is null" ${at.length} times over 90 s. Check task-type (the task may belong to another family than market) and that the task is less than 14 days old.`
    })
  })

  it('fails the task at once on a 408 or 501 answer, with kie.ai’s message', async () => {
    for (const [code, words] of [
      [408, 'no result from upstream for over 10 minutes'],
      [501, 'generation failed']
    ] as const) {
      const clock = VirtualClock.instant({ start: START })
      const said = `kie.ai task details (/api/v1/veo/record-info) answered ${code}: ${words}: "kie.ai said"`
      const { lookup, at } = scripted(clock, running4o, new TaskEndedError(said), done4o)
      await expect(watcher(clock, lookup).watch(task)).resolves.toEqual({
        state: 'failed',
        error: said,
        ms: 3000
      })
      expect(at).toEqual([0, 3000])
    }
  })

  it('hands on when kie.ai says the task was created', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, { ...done4o, createTime: 1_698_765_400_000 })
    await expect(watcher(clock, lookup).watch(task)).resolves.toEqual({
      state: 'success',
      main: [URL_A],
      extras: [],
      ms: 0,
      createdAt: 1_698_765_400_000
    })
  })

  it.each([
    ['veo', { successFlag: 0 }, 'generating'],
    ['suno', { status: 'TEXT_SUCCESS' }, 'lyrics ready'],
    ['veo', { successFlag: 9 }, 'successFlag 9']
  ] as const)('a %s timeout says the status in words: %j -> %s', async (type, answer, words) => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, answer)
    const outcome = await watcher(clock, lookup, { deadline: START + 60_000 }).watch({
      taskId: 't1',
      type
    })
    expect(outcome).toEqual({
      state: 'timeout',
      error: `still generating after 60 s (last status: ${words})`,
      ms: 60_000
    })
  })

  it('ends the grace period at the deadline when that comes first', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, recordNull())
    const outcome = await watcher(clock, lookup, { deadline: START + 20_000 }).watch(task)
    expect(outcome).toMatchObject({ state: 'failed', ms: 20_000 })
    expect((outcome as { error: string }).error).toMatch(/not found.*Check task-type/)
  })

  it('with wait 0, a 422 at the only look fails the task as not found', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, recordNull())
    const outcome = await watcher(clock, lookup, { deadline: START }).watch(task)
    expect(outcome).toMatchObject({ state: 'failed' })
    expect((outcome as { error: string }).error).toMatch(/"record is null" at its only look/)
  })

  it('once the task was seen, a later 422 does not end it early', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, running4o, recordNull())
    const outcome = await watcher(clock, lookup, { graceMs: 10_000 }).watch(task)
    expect(outcome).toMatchObject({ state: 'timeout', ms: 900_000 })
  })

  it('retries retryable lookup errors at the next poll until the deadline', async () => {
    const clock = VirtualClock.instant({ start: START })
    const busy = new TransferError('kie.ai answered 500, kie.ai server error', { retryable: true })
    const { lookup: flaky } = scripted(clock, busy, busy, done4o)
    await expect(watcher(clock, flaky).watch(task)).resolves.toMatchObject({ state: 'success' })

    const clock2 = VirtualClock.instant({ start: START })
    const { lookup: down } = scripted(clock2, busy)
    const outcome = await watcher(clock2, down, { deadline: START + 60_000 }).watch(task)
    expect(outcome).toMatchObject({
      state: 'timeout',
      error:
        'no answer from kie.ai after 60 s (last error: kie.ai answered 500, kie.ai server error)'
    })
  })

  it('ends the wait at once when kie.ai asks to come back only after the deadline', async () => {
    const clock = VirtualClock.instant({ start: START })
    const limited = new TransferError('kie.ai answered 429: rate limited', {
      retryable: true,
      rateLimited: true,
      retryAfterMs: 60_000
    })
    const { lookup, at } = scripted(clock, running4o, limited)
    const outcome = await watcher(clock, lookup, { deadline: START + 8_000 }).watch(task)
    expect(outcome).toEqual({
      state: 'timeout',
      error: 'still generating after 3 s (last error: kie.ai answered 429: rate limited)',
      ms: 3000
    })
    // No sleep towards a look the server has ruled out.
    expect(at).toEqual([0, 3000])
    expect(clock.sleeps).toEqual([3000])

    const clock2 = VirtualClock.instant({ start: START })
    const { lookup: first } = scripted(clock2, limited)
    const outcome2 = await watcher(clock2, first, { deadline: START + 8_000 }).watch(task)
    expect(outcome2).toEqual({
      state: 'timeout',
      error:
        'no answer from kie.ai at the first look, and wait allows no more time (last error: kie.ai answered 429: rate limited)',
      ms: 0
    })
  })

  it('fails the task on a final lookup error', async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup, at } = scripted(clock, new TransferError('answered 404, not found'))
    await expect(watcher(clock, lookup).watch(task)).resolves.toEqual({
      state: 'failed',
      error: 'could not be looked up: answered 404, not found',
      ms: 0
    })
    expect(at).toHaveLength(1)
  })

  it('rejects with a stop-all error (401/402)', async () => {
    const clock = VirtualClock.instant({ start: START })
    const stop = new TransferError('answered 401, unauthorized', { stopAll: true })
    const { lookup } = scripted(clock, running4o, stop)
    await expect(watcher(clock, lookup).watch(task)).rejects.toBe(stop)
  })

  it("fails with kie.ai's reason and code alone (the report names the task in front)", async () => {
    const clock = VirtualClock.instant({ start: START })
    const { lookup } = scripted(clock, running4o, {
      status: 'GENERATE_FAILED',
      successFlag: 2,
      errorCode: 400,
      errorMessage: 'content policy'
    })
    await expect(watcher(clock, lookup).watch(task)).resolves.toEqual({
      state: 'failed',
      error: 'content policy (code 400, status GENERATE_FAILED)',
      ms: 3000
    })
  })

  it('fails a success without a file', async () => {
    const clock = VirtualClock.instant({ start: START })
    const text = { state: 'success', resultJson: '{"resultObject":{"text":"hi"}}' }
    const { lookup } = scripted(clock, text)
    await expect(
      watcher(clock, lookup).watch({ taskId: 'txt', type: 'market' })
    ).resolves.toMatchObject({
      state: 'failed',
      error:
        'finished, but produced no file to download: its result is text (resultObject), not a file'
    })
  })

  it('keeps polling an unknown status and reports each raw value once', async () => {
    const clock = VirtualClock.instant({ start: START })
    const onUnknownStatus = jest.fn()
    const { lookup } = scripted(
      clock,
      { state: 'paused' },
      { state: 'paused' },
      { state: 'thinking' },
      { state: 'paused' },
      { state: 'success', resultJson: { resultUrls: [URL_A] } }
    )
    const outcome = await watcher(clock, lookup, { onUnknownStatus }).watch({
      taskId: 'u1',
      type: 'market'
    })
    expect(outcome.state).toBe('success')
    expect(onUnknownStatus.mock.calls).toEqual([
      [{ taskId: 'u1', type: 'market' }, 'paused'],
      [{ taskId: 'u1', type: 'market' }, 'thinking']
    ])
  })

  it('rejects with CancelledError when cancelled while waiting', async () => {
    const clock = VirtualClock.instant({ start: START })
    const abort = new AbortController()
    const { lookup } = scripted(clock, running4o)
    lookup.mockImplementationOnce(() => {
      abort.abort()
      return Promise.resolve(running4o)
    })
    await expect(
      watcher(clock, lookup, { signal: abort.signal }).watch(task)
    ).rejects.toBeInstanceOf(CancelledError)
    expect(lookup).toHaveBeenCalledTimes(1)
  })

  it('rejects with CancelledError when a lookup fails because of the cancel', async () => {
    const clock = VirtualClock.instant({ start: START })
    const abort = new AbortController()
    const lookup = jest.fn(() => {
      abort.abort()
      return Promise.reject(new TransferError('socket closed', { retryable: true }))
    })
    await expect(
      watcher(clock, lookup, { signal: abort.signal }).watch(task)
    ).rejects.toBeInstanceOf(CancelledError)
  })

  it('lists the tasks still running with their last status', async () => {
    const clock = VirtualClock.instant({ start: START })
    let release: (value: unknown) => void = () => {}
    const lookup = jest
      .fn<TaskWatcherOptions['lookup']>()
      .mockResolvedValueOnce({ state: 'generating' })
      .mockImplementationOnce(() => new Promise(resolve => (release = resolve)))
    const w = watcher(clock, lookup)
    expect(w.running()).toEqual([])
    const pending = w.watch({ taskId: 'r1', type: 'market' })
    await new Promise(resolve => setImmediate(resolve))
    expect(w.running()).toEqual([
      { taskId: 'r1', type: 'market', status: 'generating', progress: null, sinceMs: 3000 }
    ])
    release({ state: 'success', resultJson: { resultUrls: [URL_A] } })
    await expect(pending).resolves.toMatchObject({ state: 'success', ms: 3000 })
    expect(w.running()).toEqual([])
  })
})
