// The input list as the pipeline works through it: one listing per entry, and each URL's first job.
import type { Entry, TaskEntry } from '../inputs/inputs.js'
import type { TaskOutcome } from '../tasks/watch.js'
import { type Deferred, FETCH, type FileJob, type FileOrigin, deferred, newJob } from './jobs.js'

/** One listed entry: a URL gives one file; a task gives its results once it has finished. */
export type Listing = { kind: 'url'; job: FileJob } | TaskListing

export interface TaskListing {
  kind: 'task'
  entry: TaskEntry
  /** Its position in the input list. */
  position: number
  /** The task's files, once it has settled ([] when it yielded none). */
  jobs: Deferred<FileJob[]>
  /** The position ({index}) of the row that reports a task without files. */
  placeholderIndex?: number
  /** The earlier listing of the same task: this one shares its lookup and its files. */
  repeats?: TaskListing
}

/**
 * Every entry has its listing from the start (a run cancelled even before it began reports them
 * all). A URL listed at an earlier position, or repeated within one task's results, is fetched
 * once, through its first job; a task listed again (same ID, same family) is looked up once.
 */
export class Listings {
  readonly all: Listing[] = []
  readonly #byUrl = new Map<string, FileJob>()

  constructor(entries: readonly Entry[]) {
    const tasks = new Map<string, TaskListing>()
    for (const entry of entries) {
      const position = this.all.length
      if (entry.kind === 'url') {
        const { url, taskId, endpoint, foreign } = entry
        const origin = { url, taskId, family: null, endpoint, n: 1, extra: false }
        this.all.push({ kind: 'url', job: this.addJob(origin, position, undefined, foreign) })
        continue
      }
      const key = `${entry.type}\n${entry.taskId}`
      const repeats = tasks.get(key)
      const listing: TaskListing = { kind: 'task', entry, position, jobs: deferred(), repeats }
      if (!repeats) tasks.set(key, listing)
      this.all.push(listing)
    }
  }

  /**
   * A new job at `position`. Only listed URLs (all known before anything starts) and the same
   * task count as repeats: a repeat across tasks would depend on which task finished first, and
   * names must not.
   */
  addJob(
    origin: FileOrigin,
    position: number,
    sameTask?: Map<string, FileJob>,
    foreign?: boolean
  ): FileJob {
    const listed = this.#byUrl.get(origin.url)
    const first = listed && listed.position < position ? listed : sameTask?.get(origin.url)
    const job = newJob(origin, position, first ? { kind: 'repeat', of: first } : FETCH, foreign)
    if (first) return job
    if (sameTask) sameTask.set(origin.url, job)
    else if (!listed) this.#byUrl.set(origin.url, job)
    return job
  }

  /** A succeeded task's files (its extras too when asked for), each a job at the task's place. */
  addTaskJobs(
    listing: TaskListing,
    outcome: Extract<TaskOutcome, { state: 'success' }>,
    withExtras: boolean
  ): FileJob[] {
    const { entry, position } = listing
    const { taskId, type: family, endpoint } = entry
    const urls = [
      ...outcome.main.map(url => ({ url, extra: false })),
      ...(withExtras ? outcome.extras : []).map(url => ({ url, extra: true }))
    ]
    const sameTask = new Map<string, FileJob>()
    return urls.map(({ url, extra }, i) => {
      const origin = {
        url,
        taskId,
        family,
        endpoint,
        n: i + 1,
        extra,
        createdAt: outcome.createdAt
      }
      return this.addJob(origin, position, sameTask)
    })
  }
}
