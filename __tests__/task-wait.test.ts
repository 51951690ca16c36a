// One task's wait as bookkeeping, with no clock and no lookup: each look's verdict, the next look's time, the ending.
import { describe, expect, it } from '@jest/globals'
import type { TaskView } from '../src/tasks/families.js'
import { type Look, TaskWait, formatProgress } from '../src/tasks/task-wait.js'

const START = 1_000_000
const URL_A = 'https://tempfile.aiquickdraw.com/v/a.png'

function wait(deadlineMs = 900_000, graceMs = 90_000): TaskWait {
  return new TaskWait(
    { taskId: 't1', type: 'veo' },
    { startedAt: START, deadline: START + deadlineMs, graceMs }
  )
}

function seen(view: Partial<TaskView>): Look {
  const base: TaskView = {
    state: 'running',
    raw: '0',
    status: 'generating',
    progress: null,
    main: [],
    extras: [],
    error: null,
    noFile: null,
    createdAt: null
  }
  return { kind: 'seen', view: { ...base, ...view } }
}

const running = seen({})
const missing: Look = { kind: 'missing', answer: '422 "record is null"' }

describe('TaskWait', () => {
  it('is "no answer yet" before any answer, "not found yet" while kie.ai does not know it, then its status', () => {
    const w = wait()
    expect(w.status).toBe('no answer yet')
    w.take(missing, START)
    expect(w.status).toBe('not found yet')
    w.take(seen({ status: 'generating', progress: '0.5' }), START + 3000)
    expect([w.status, w.progress]).toEqual(['generating', '0.5'])
    // Once seen, a later "record is null" does not make the task unknown again.
    w.take(missing, START + 7500)
    expect(w.status).toBe('generating')
  })

  it('looks again 3 s after each answer, growing by 1.5 up to 30 s, jittered by ±10 %', () => {
    const w = wait()
    const gaps: number[] = []
    let at = START
    for (let i = 0; i < 8; i++) {
      w.take(running, at)
      const next = w.nextLookAt(at, 0.5) as number
      gaps.push(next - at)
      // The answer came 2 s after the look was due (a queue): the next gap counts from it.
      at = next + 2000
    }
    expect(gaps).toEqual([3000, 4500, 6750, 10125, 15187.5, 22781.25, 30000, 30000])
    const low = wait()
    low.take(running, START)
    expect(low.nextLookAt(START, 0)).toBe(START + 2700)
  })

  it('settles a success with its files and when kie.ai says it was created', () => {
    const w = wait()
    const verdict = w.take(
      seen({ state: 'success', main: [URL_A], createdAt: 1_698_765_400_000 }),
      START + 4000
    )
    expect(verdict).toEqual({
      kind: 'done',
      outcome: {
        state: 'success',
        main: [URL_A],
        extras: [],
        ms: 4000,
        createdAt: 1_698_765_400_000
      }
    })
  })

  it('fails a success without a file, a failure with its reason, and a refused lookup', () => {
    expect(wait().take(seen({ state: 'success', noFile: 'its result is text' }), START)).toEqual({
      kind: 'done',
      outcome: {
        state: 'failed',
        error: 'finished, but produced no file to download: its result is text',
        ms: 0
      }
    })
    expect(wait().take(seen({ state: 'failed', error: null }), START + 5)).toEqual({
      kind: 'done',
      outcome: { state: 'failed', error: 'kie.ai gave no reason', ms: 5 }
    })
    expect(wait().take({ kind: 'refused', error: 'answered 404' }, START)).toEqual({
      kind: 'done',
      outcome: { state: 'failed', error: 'could not be looked up: answered 404', ms: 0 }
    })
    expect(wait().take({ kind: 'ended', error: 'answered 501' }, START)).toMatchObject({
      outcome: { state: 'failed', error: 'answered 501' }
    })
  })

  it('names each status no document names once, at its first sight', () => {
    const w = wait()
    const raws = ['paused', 'paused', 'thinking', 'paused'].map(raw =>
      w.take(seen({ state: 'unknown', raw }), START)
    )
    expect(raws).toEqual([
      { kind: 'going', newUnknown: 'paused' },
      { kind: 'going' },
      { kind: 'going', newUnknown: 'thinking' },
      { kind: 'going' }
    ])
  })

  it('gives a task kie.ai never knew the grace period from its first look, then says what kie.ai answered', () => {
    const w = wait(900_000, 10_000)
    w.take({ kind: 'missing', answer: '404 "Task Not Found"' }, START + 500)
    expect(w.nextLookAt(START + 500, 0.5)).toBe(START + 3500)
    w.take(missing, START + 3500)
    expect(w.nextLookAt(START + 3500, 0.5)).toBe(START + 8000)
    w.take(missing, START + 8000)
    // The grace period ends at 10.5 s: the last look comes then, none after.
    expect(w.nextLookAt(START + 8000, 0.5)).toBe(START + 10_500)
    w.take(missing, START + 10_500)
    expect(w.nextLookAt(START + 10_500, 0.5)).toBeUndefined()
    expect(w.giveUp(START + 10_500)).toEqual({
      state: 'failed',
      ms: 10_500,
      error:
        'not found: kie.ai answered 404 "Task Not Found" and 422 "record is null" 4 times over 11 s. ' +
        'Check task-type (the task may belong to another family than veo) and that the task is less than 14 days old.'
    })
  })

  it('leaves no look when kie.ai asks to come back after the deadline, or the next would come within a second', () => {
    const asked = wait(8000)
    asked.take(running, START)
    asked.take({ kind: 'error', error: 'rate limited', retryAfterMs: 60_000 }, START + 3000)
    expect(asked.nextLookAt(START + 3000, 0.5)).toBeUndefined()
    expect(asked.giveUp(START + 3000)).toEqual({
      state: 'timeout',
      error: 'still generating after 3 s (last error: rate limited)',
      ms: 3000
    })

    const near = wait(3500)
    near.take(running, START)
    expect(near.nextLookAt(START, 0.5)).toBe(START + 3000)
    near.take(running, START + 3000)
    expect(near.nextLookAt(START + 3000, 0.5)).toBeUndefined()
  })

  it('times out with the last status in words and progress, or with the last error when none came', () => {
    const w = wait(0)
    w.take(seen({ status: 'generating', progress: '0.48' }), START)
    expect(w.nextLookAt(START, 0.5)).toBeUndefined()
    expect(w.giveUp(START)).toMatchObject({
      error:
        'not finished at the first look, and wait allows no more time (last status: generating, 48%)'
    })
    const down = wait(0)
    down.take({ kind: 'error', error: 'answered 500', retryAfterMs: 0 }, START)
    expect(down.giveUp(START)).toMatchObject({
      error:
        'no answer from kie.ai at the first look, and wait allows no more time (last error: answered 500)'
    })
  })
})

describe('formatProgress', () => {
  it.each([
    ['0.48', '48%'],
    ['1.00', '100%'],
    ['35', '35%'],
    ['n/a', 'n/a'],
    [null, '']
  ])('%s -> %s', (raw, shown) => {
    expect(formatProgress(raw)).toBe(shown)
  })
})
