// A job's disposition: fetch until decided, then keep, refuse or repeat, decided once.
import { describe, expect, it } from '@jest/globals'
import { FETCH, decide, newJob, repeatOf } from '../src/pipeline/jobs.js'

const origin = (url: string) =>
  ({ url, taskId: null, family: null, endpoint: 'common', n: 1, extra: false }) as const

describe('a job’s disposition', () => {
  it('is fetch until decided, then what was decided', () => {
    const job = newJob(origin('https://h/v/a.png'), 0)
    expect(job.disposition).toBe(FETCH)
    decide(job, { kind: 'refuse', why: 'already there' })
    expect(job.disposition).toEqual({ kind: 'refuse', why: 'already there' })
    // Every undecided job shares the one FETCH: nothing is allocated per job for it.
    expect(newJob(origin('https://h/v/b.png'), 1).disposition).toBe(FETCH)
  })

  it('is decided once: a second decision is refused', () => {
    const job = newJob(origin('https://h/v/a.png'), 0)
    decide(job, { kind: 'keep', known: null, fromRecordedTask: false })
    expect(() => decide(job, { kind: 'refuse', why: 'taken' })).toThrow(
      'a job already decided (keep) cannot become refuse'
    )
    expect(job.disposition.kind).toBe('keep')
  })

  it('makes a repeat of an earlier job at once, never to be fetched, kept or refused', () => {
    const first = newJob(origin('https://h/v/a.png'), 0)
    const again = newJob(origin('https://h/v/a.png'), 1, { kind: 'repeat', of: first })
    expect([repeatOf(again), repeatOf(first)]).toEqual([first, undefined])
    expect(() => decide(again, { kind: 'refuse', why: 'taken' })).toThrow(/already decided/)
  })
})
