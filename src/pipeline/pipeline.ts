// The run as a pipeline: inputs -> tasks -> resolve -> download -> place -> report, each file landing as soon as it can.
import { errorMessage } from '../errors.js'
import type { Settings, TaskEntry } from '../inputs/inputs.js'
import {
  logFile,
  logLanded,
  logMoreFiles,
  logRepeatedTask,
  logStart,
  logStopped,
  logTask,
  logWaiting
} from '../report/log.js'
import type { FileResult, RunResult, TaskResult } from '../results.js'
import { type Clock, realClock } from '../util/clock.js'
import { type Work, transfer } from './fetch.js'
import { type FileJob, newJob, repeatOf } from './jobs.js'
import { type Listing, Listings, type TaskListing } from './listings.js'
import { type RunTools, openRun } from './open.js'
import { startOrder } from './order.js'
import { type Landing, place } from './placement.js'
import { plan, planLateJob } from './plan.js'
import { repeatRow, runRows, taskRow } from './rows.js'
import { RunStop } from './stop.js'

export interface Deps {
  clock: Clock
  /** Aborts the run (the runner's SIGINT/SIGTERM): nothing new starts, transfers stop. */
  signal?: AbortSignal
  /** When the step started (epoch ms): `wait` counts from here. */
  startedAt?: number
}

/** How often a line says which tasks are still running. */
export const WAITING_LOG_EVERY_MS = 30_000

/** What the run knows at any moment, from before it opens: what result() reads. */
interface RunState {
  /** Every entry, with its row from the start: a run cancelled even before it began reports them. */
  listings: Listings
  /** Each task listing's row, once it settled. */
  tasks: Map<Listing, TaskResult>
  stop: RunStop
  clock: Clock
}

/** One run: opened, driven to its end and closed by run(); result() answers at any moment. */
export class Pipeline {
  readonly #settings: Settings
  readonly #signal: AbortSignal
  readonly #startedAt: number
  readonly #state: RunState

  constructor(settings: Settings, deps: Deps = { clock: realClock }) {
    this.#settings = settings
    this.#signal = deps.signal ?? new AbortController().signal
    this.#startedAt = deps.startedAt ?? deps.clock.now()
    this.#state = {
      listings: new Listings(settings.entries),
      tasks: new Map(),
      stop: new RunStop(this.#signal, logStopped),
      clock: deps.clock
    }
  }

  async run(): Promise<RunResult> {
    const { listings, stop, clock } = this.#state
    const deps = { clock, signal: this.#signal, startedAt: this.#startedAt }
    const tools = await openRun(this.#settings, listings.all, stop, deps)
    try {
      await new Drive(this.#settings, this.#state, tools).run()
    } finally {
      await tools.close()
    }
    return this.result()
  }

  /** What is known now; what is still under way counts as cancelled (the cancel deadline). */
  result(): RunResult {
    const { listings, tasks, stop, clock } = this.#state
    return {
      ...runRows(listings.all, tasks),
      dir: this.#settings.dir,
      stopped: stop.reason,
      elapsedMs: clock.now() - this.#startedAt
    }
  }
}

/** The drive of an opened run: what the record and disk settle first, then every entry's work. */
class Drive {
  readonly #settings: Settings
  readonly #state: RunState
  readonly #tools: RunTools
  readonly #running: Array<Promise<unknown>> = []

  constructor(settings: Settings, state: RunState, tools: RunTools) {
    this.#settings = settings
    this.#state = state
    this.#tools = tools
  }

  async run(): Promise<void> {
    const { listings, stop } = this.#state
    const { dest, namer, watcher } = this.#tools
    await this.plan()
    const disarm = stop.arm()
    logStart({
      files: listings.all.filter(l => l.kind === 'url' && !l.job.foreign).length,
      tasks: listings.all.filter(l => l.kind === 'task').length,
      dir: dest.dir
    })
    const waiting = setInterval(() => {
      const still = watcher.running()
      if (still.length > 0) logWaiting(still)
      logLanded()
    }, WAITING_LOG_EVERY_MS)
    waiting.unref()
    try {
      this.noteRepeats()
      const listed: FileJob[] = []
      for (const listing of listings.all) {
        if (listing.kind === 'url') {
          // Another shard's file is only named here, so that this shard's names agree with it.
          if (!listing.job.foreign) listed.push(listing.job)
        } else if (listing.repeats) this.#running.push(this.runRepeat(listing, listing.repeats))
        else if (listing.jobs.peek()) this.settleRecordedTask(listing)
        else this.#running.push(this.runTask(listing))
      }
      for (const job of startOrder(listed)) this.start(job)
      await namer.run()
      // Tasks add files while they settle: wait until no work is left that could add more.
      for (let n = 0; n < this.#running.length; n++) await this.#running[n]
    } finally {
      disarm()
      clearInterval(waiting)
    }
  }

  /** Before any request: what the record and the disk settle, and every name certain already. */
  private plan(): Promise<void> {
    const { ifExists, results, shard } = this.#settings
    const { dest, record, registry, namer } = this.#tools
    const listings = this.#state.listings.all
    const fromListOnly = shard !== null
    return plan({ listings, ifExists, results, dest, record, registry, namer, fromListOnly })
  }

  /** Starts a job: its transfer now (within the pool), its landing once it is named. */
  private start(job: FileJob): void {
    const first = repeatOf(job)
    const { pool, fetch } = this.#tools
    const work = first ? undefined : pool(() => transfer(job, fetch))
    this.#running.push(this.land(job, first, work))
  }

  /** Places a named job's file (a repeat reports its first listing's), records it, says it. */
  private async land(
    job: FileJob,
    first: FileJob | undefined,
    work: Promise<Work> | undefined
  ): Promise<void> {
    const done = await work
    await job.named.promise
    const landing: Landing =
      first || !done
        ? { result: repeatRow(job, await (first as FileJob).result.promise), mtimeMs: null }
        : await place(job, done, this.#tools.placement)
    const { result } = landing
    job.result.resolve(result)
    if (!first && recordable(job, result)) {
      const { dest, record } = this.#tools
      record.setFile(job.url, {
        path: result.name,
        bytes: result.bytes ?? 0,
        sha256: result.sha256 ?? '',
        contentType: result.contentType,
        mtimeMs: landing.mtimeMs ?? (await dest.existing(result.name))?.mtimeMs ?? 0
      })
    }
    logFile(result)
  }

  /** Waits for a task, then starts its files. */
  private async runTask(listing: TaskListing): Promise<void> {
    const { result, jobs } = await this.lookUp(listing)
    this.#state.tasks.set(listing, result)
    logMoreFiles(jobs.length)
    for (const job of jobs) this.start(job)
    listing.jobs.resolve(jobs)
    logTask(result)
    await this.recordTask(listing.entry, jobs)
  }

  /** A task's row and files, once it ended (or the stop, or a failed lookup, ended the wait). */
  private async lookUp(listing: TaskListing): Promise<{ result: TaskResult; jobs: FileJob[] }> {
    const { entry } = listing
    const { stop, clock } = this.#state
    const { watcher, dest, record } = this.#tools
    const started = clock.now()
    let jobs: FileJob[] = []
    try {
      stop.check()
      const outcome = await watcher.watch({ taskId: entry.taskId, type: entry.type })
      if (outcome.state !== 'success') {
        const error = outcome.error
        return { result: taskRow(entry, outcome.state, outcome.ms, { error }), jobs }
      }
      jobs = this.#state.listings.addTaskJobs(listing, outcome, this.#settings.results === 'all')
      // A file an earlier run placed (a run cancelled half-way through this task) is kept.
      for (const job of jobs) await planLateJob(job, this.#settings.ifExists, dest, record)
      return { result: taskRow(entry, 'success', outcome.ms, { files: jobs.length }), jobs }
    } catch (error) {
      stop.raiseFor(error)
      // Woken by a 401/402 elsewhere: this task was not finished, and is not looked at again.
      const why = { error: errorMessage(error), stoppedBy: stop.outcomeOf(error) ?? undefined }
      return { result: taskRow(entry, 'failed', clock.now() - started, why), jobs }
    }
  }

  /**
   * A task listed again: no lookup of its own. Once the first listing has its files, each is
   * repeated here (named and reported as the first, with this position), and so is its state.
   */
  private async runRepeat(listing: TaskListing, first: TaskListing): Promise<void> {
    const jobs = (await first.jobs.promise).map(original => {
      const { url, taskId, family, endpoint, n, extra } = original
      const of = repeatOf(original) ?? original
      const origin = { url, taskId, family, endpoint, n, extra }
      return newJob(origin, listing.position, { kind: 'repeat', of })
    })
    const { tasks } = this.#state
    const result = tasks.get(first)
    if (result) tasks.set(listing, { ...result })
    for (const job of jobs) this.start(job)
    listing.jobs.resolve(jobs)
  }

  /** Says once per task listed more than once where it stands: it is looked up and downloaded once. */
  private noteRepeats(): void {
    const entries = new Map<TaskListing, number[]>()
    for (const listing of this.#state.listings.all) {
      if (listing.kind !== 'task' || !listing.repeats) continue
      let seen = entries.get(listing.repeats)
      if (!seen) entries.set(listing.repeats, (seen = [listing.repeats.entry.index]))
      seen.push(listing.entry.index)
    }
    for (const [first, at] of entries) logRepeatedTask(first.entry.type, first.entry.taskId, at)
  }

  /** A task the record settled: its files are kept, and no API call is made. */
  private settleRecordedTask(listing: TaskListing): void {
    const jobs = listing.jobs.peek()?.value ?? []
    const result = taskRow(listing.entry, 'skipped', 0, { files: jobs.length })
    this.#state.tasks.set(listing, result)
    logMoreFiles(jobs.length)
    for (const job of jobs) this.start(job)
    logTask(result)
  }

  /** Once every file of a task is in, the record lists the task, so a re-run needs no lookup. */
  private async recordTask(entry: TaskEntry, jobs: FileJob[]): Promise<void> {
    if (jobs.length === 0) return
    const results = await Promise.all(jobs.map(job => job.result.promise))
    if (results.every(r => r.status !== 'failed')) {
      const urls = jobs.map(job => job.url)
      const main = jobs.filter(job => !job.extra).length
      this.#tools.record.setTask(entry.taskId, entry.type, urls, main, this.#settings.results)
    }
  }
}

/**
 * Whether the record takes a file this run placed or kept: not a failure, nor a file the record
 * vouched for already (unchanged, or from a recorded task, whose URL has no query string).
 */
function recordable(job: FileJob, result: FileResult): result is FileResult & { name: string } {
  const { disposition: d } = job
  if (d.kind === 'keep' && (d.known !== null || d.fromRecordedTask)) return false
  return result.status !== 'failed' && result.name !== null && result.name !== ''
}
