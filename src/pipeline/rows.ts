// The run's result rows, built from what the pipeline knows of each file and task: plain functions, no I/O.
import type { TaskEntry } from '../inputs/inputs.js'
import type { FileResult, StoppedBy, TaskResult, TaskState } from '../results.js'
import type { FileJob, FileOrigin } from './jobs.js'
import type { Listing, TaskListing } from './listings.js'

/** A file that is there, downloaded or kept: where, and what it holds. */
export interface FileFacts {
  /** Absolute path. */
  path: string
  bytes: number
  sha256: string
  contentType: string | null
}

/** Why a file or task failed: an error of its own, or what the run's stop did to it. */
export interface Failure {
  error: string | null
  stoppedBy?: StoppedBy
}

/** A failed row of a file of this origin, named `name` at `index`, with nothing known yet. */
function blankRow(origin: FileOrigin, index: number, name: string | null): FileResult {
  return {
    index,
    n: origin.n,
    url: origin.url,
    taskId: origin.taskId,
    family: origin.family,
    extra: origin.extra,
    status: 'failed',
    path: null,
    name,
    bytes: null,
    sha256: null,
    contentType: null,
    error: null,
    ms: 0
  }
}

/** `why`, with stoppedBy only when the stop says something (absent otherwise, as in the results). */
function failure(why: Failure): Failure {
  return why.stoppedBy ? { error: null, stoppedBy: why.stoppedBy } : { error: why.error }
}

/** A file that arrived (`downloaded`, in `ms`) or was already there (`skipped`). */
export function arrivedRow(
  job: FileJob,
  status: 'downloaded' | 'skipped',
  facts: FileFacts,
  ms = 0
): FileResult {
  return { ...blankRow(job, job.index, job.name), status, ...facts, ms }
}

/** A file that failed after `ms` of transfer. */
export function failedRow(job: FileJob, why: Failure, ms: number): FileResult {
  return { ...blankRow(job, job.index, job.name), ...failure(why), ms }
}

/** A repeat of an earlier URL reports what its first listing got, at its own position. */
export function repeatRow(job: FileJob, first: FileResult): FileResult {
  return {
    ...first,
    index: job.index,
    n: job.n,
    taskId: job.taskId ?? first.taskId,
    family: job.family,
    extra: job.extra,
    sameAs: first.index
  }
}

/** A task's row: its state, how long it took, and its files or why it has none. */
export function taskRow(
  entry: TaskEntry,
  state: TaskState,
  ms: number,
  more: { files?: number } & Partial<Failure> = {}
): TaskResult {
  const { files = 0, error = null, stoppedBy } = more
  return {
    taskId: entry.taskId,
    type: entry.type,
    state,
    files,
    ...failure({ error, stoppedBy }),
    ms
  }
}

/**
 * Every row of the run, in input order: each listed URL, each task's files where the task stood
 * (a task without files has one row that says why), and each task. What has not ended (the cancel
 * deadline came first) counts as cancelled.
 */
export function runRows(
  listings: readonly Listing[],
  tasks: ReadonlyMap<Listing, TaskResult>
): { files: FileResult[]; tasks: TaskResult[] } {
  const files: FileResult[] = []
  const taskRows: TaskResult[] = []
  for (const listing of listings) {
    if (listing.kind === 'url') {
      // Another shard's file is only named here.
      if (!listing.job.foreign) files.push(jobRow(listing.job, files.length))
      continue
    }
    const jobs = listing.jobs.peek()?.value ?? []
    for (const job of jobs) files.push(jobRow(job, files.length))
    const task =
      tasks.get(listing) ?? taskRow(listing.entry, 'failed', 0, { stoppedBy: 'cancelled' })
    taskRows.push(task)
    if (jobs.length === 0) files.push(noFileRow(listing, task, files.length))
  }
  return { files, tasks: taskRows }
}

/** A job's result, or, not ended yet, cancelled (numbered by its row if the namer had not reached it). */
function jobRow(job: FileJob, before: number): FileResult {
  const ended = job.result.peek()
  if (ended) return ended.value
  return { ...blankRow(job, job.index || before + 1, job.name), stoppedBy: 'cancelled' }
}

/** The row of a task that yielded no file, at the task's place: it says why. */
function noFileRow(listing: TaskListing, task: TaskResult, before: number): FileResult {
  const { taskId, type, endpoint } = listing.entry
  const origin = { url: '', taskId, family: type, endpoint, n: 1, extra: false }
  const sameAs = listing.repeats?.placeholderIndex
  const why = task.stoppedBy ? task : { error: task.error ?? 'produced no file' }
  return {
    ...blankRow(origin, listing.placeholderIndex ?? before + 1, null),
    url: null,
    ...failure(why),
    ...(sameAs === undefined ? {} : { sameAs })
  }
}
