// The run's rows from what the pipeline knows: input order, tasks in their place, and what a cancel deadline finds unfinished.
import { describe, expect, it } from '@jest/globals'
import type { Entry } from '../src/inputs/inputs.js'
import { type FileJob } from '../src/pipeline/jobs.js'
import { type Listing, Listings, type TaskListing } from '../src/pipeline/listings.js'
import { arrivedRow, failedRow, repeatRow, runRows, taskRow } from '../src/pipeline/rows.js'
import type { TaskResult } from '../src/results.js'

const url = (index: number, u: string, foreign = false): Entry => ({
  kind: 'url',
  index,
  url: u,
  taskId: null,
  endpoint: 'common',
  ...(foreign ? { foreign } : {})
})
const task = (index: number, taskId: string): Entry => ({
  kind: 'task',
  index,
  taskId,
  type: 'market',
  endpoint: 'common'
})
const jobOf = (l: Listing): FileJob => (l as Extract<Listing, { kind: 'url' }>).job
const FACTS = { path: '/d/a.png', bytes: 3, sha256: 'ab', contentType: 'image/png' }

function named(job: FileJob, index: number, name: string): FileJob {
  job.index = index
  job.name = name
  return job
}

describe('runRows', () => {
  it('answers before anything ran: every file and task cancelled, numbered in input order', () => {
    const listings = new Listings([url(1, 'https://h/a.png'), task(2, 'T'), url(3, 'https://h/b')])
    const { files, tasks } = runRows(listings.all, new Map())
    expect(files.map(f => [f.index, f.url, f.status, f.error, f.stoppedBy])).toEqual([
      [1, 'https://h/a.png', 'failed', null, 'cancelled'],
      [2, null, 'failed', null, 'cancelled'],
      [3, 'https://h/b', 'failed', null, 'cancelled']
    ])
    expect(tasks).toEqual([
      {
        taskId: 'T',
        type: 'market',
        state: 'failed',
        files: 0,
        error: null,
        stoppedBy: 'cancelled',
        ms: 0
      }
    ])
  })

  it('gives each ended job its result and a task its files where it stood; another shard’s file has no row', () => {
    const listings = new Listings([
      url(1, 'https://h/a.png'),
      url(2, 'https://h/other.png', true),
      task(3, 'T')
    ])
    const a = named(jobOf(listings.all[0]), 1, 'a.png')
    a.result.resolve(arrivedRow(a, 'downloaded', FACTS, 40))
    const t = listings.all[2] as TaskListing
    const [r1, r2] = listings.addTaskJobs(
      t,
      { state: 'success', main: ['https://h/r1.png', 'https://h/r2.png'], extras: [], ms: 5 },
      false
    )
    t.jobs.resolve([r1, r2])
    named(r1, 3, 'r1.png')
    r1.result.resolve(failedRow(r1, { error: 'file host answered HTTP 404' }, 7))
    const rows = runRows(listings.all, new Map([[t, taskRow(t.entry, 'success', 5, { files: 2 })]]))
    expect(rows.files.map(f => [f.index, f.name, f.status, f.error ?? f.stoppedBy])).toEqual([
      [1, 'a.png', 'downloaded', undefined],
      [3, 'r1.png', 'failed', 'file host answered HTTP 404'],
      // Not named when the deadline came: numbered by its row.
      [3, null, 'failed', 'cancelled']
    ])
    expect(rows.files[0]).toMatchObject({ ...FACTS, ms: 40, error: null })
    expect(rows.files[0]).not.toHaveProperty('stoppedBy')
    expect(rows.tasks.map(x => [x.state, x.files])).toEqual([['success', 2]])
  })

  it('says why a task yielded no file at its place, and a repeat of it points at the first row', () => {
    const listings = new Listings([task(1, 'T'), task(2, 'T'), task(3, 'S')])
    const [first, again, stopped] = listings.all as TaskListing[]
    first.placeholderIndex = 1
    again.placeholderIndex = 2
    stopped.placeholderIndex = 3
    for (const l of [first, again, stopped]) l.jobs.resolve([])
    const failed = taskRow(first.entry, 'timeout', 900, { error: 'still generating' })
    const results = new Map<Listing, TaskResult>([
      [first, failed],
      [again, { ...failed }],
      [stopped, taskRow(stopped.entry, 'failed', 0, { error: 'x', stoppedBy: 'not-started' })]
    ])
    const { files } = runRows(listings.all, results)
    expect(files.map(f => [f.index, f.url, f.taskId, f.error, f.stoppedBy, f.sameAs])).toEqual([
      [1, null, 'T', 'still generating', undefined, undefined],
      [2, null, 'T', 'still generating', undefined, 1],
      // The stop's word, not an error text: report/ derives "not started" from it.
      [3, null, 'S', null, 'not-started', undefined]
    ])
  })

  it('a repeat reports what its first listing got, at its own position and task', () => {
    const listings = new Listings([url(1, 'https://h/a.png'), url(2, 'https://h/a.png')])
    const [a, again] = listings.all.map(jobOf)
    expect(again.disposition).toEqual({ kind: 'repeat', of: a })
    named(a, 1, 'a.png')
    named(again, 2, 'a.png')
    const first = arrivedRow(a, 'downloaded', FACTS, 40)
    expect(repeatRow(again, first)).toEqual({ ...first, index: 2, sameAs: 1 })
  })
})
