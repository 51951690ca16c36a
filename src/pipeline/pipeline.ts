// The run as a pipeline: inputs -> tasks -> resolve -> download -> place -> report, each file landing as soon as it can.
import * as core from '@actions/core'
import pLimit, { type LimitFunction } from 'p-limit'
import { Inputs } from '../constants.js'
import { type Downloaded } from '../download/download.js'
import { Http } from '../util/http.js'
import { InputError, errorMessage } from '../errors.js'
import type { Settings, TaskEntry } from '../inputs/inputs.js'
import { Destination } from '../place/destination.js'
import { acquireLock } from '../place/lock.js'
import { NameRegistry } from '../place/naming.js'
import { DownloadRecord } from '../place/record.js'
import {
  logFile,
  logLanded,
  logMoreFiles,
  logProgress,
  logRepeatedTask,
  logRetry,
  logStart,
  logStopped,
  logTask,
  logWaiting
} from '../report/log.js'
import { Governor, rateLimitBudgetMs } from '../resolve/governor.js'
import { KieApi } from '../resolve/kie-api.js'
import { FAMILIES } from '../tasks/families.js'
import { TaskWatcher } from '../tasks/watch.js'
import * as mime from '../util/mime.js'
import { type Clock, realClock } from '../util/clock.js'
import type { RetryPolicy } from '../util/retry.js'
import { oneLine } from '../util/safe-text.js'
import { type FetchContext, fetchFile } from './fetch.js'
import { type FileJob, type FileOrigin, newJob, repeatOf } from './jobs.js'
import { type Listing, Listings, type TaskListing } from './listings.js'
import { Namer } from './namer.js'
import { startOrder } from './order.js'
import { OTHER_URL, plan, planLateJob, taken } from './plan.js'
import type { FileResult, RunResult, StoppedBy, TaskResult } from '../results.js'
import { TransferSlots } from './transfer-slots.js'
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

/** When each placed file got its time stamp (the record keeps it, so re-runs need not hash). */
const placedAt = new WeakMap<FileJob, number>()

type Work =
  | { kind: 'downloaded'; file: Downloaded; ms: number }
  | { kind: 'kept'; bytes: number; sha256: string; contentType: string | null }
  | { kind: 'failed'; error: string | null; stoppedBy?: StoppedBy; ms: number }

export class Pipeline {
  private readonly settings: Settings
  private readonly clock: Clock
  private readonly signal: AbortSignal
  private readonly startedAt: number
  private readonly listings: Listings
  private readonly taskResults = new Map<Listing, TaskResult>()
  private readonly running: Array<Promise<unknown>> = []
  private readonly stop: RunStop
  private dir: string

  // Set up by run(): the stages' tools.
  private limit!: LimitFunction
  private ctx!: FetchContext
  private dest!: Destination
  private record!: DownloadRecord

  constructor(settings: Settings, deps: Deps = { clock: realClock }) {
    this.settings = settings
    this.clock = deps.clock
    this.signal = deps.signal ?? new AbortController().signal
    this.startedAt = deps.startedAt ?? deps.clock.now()
    this.dir = settings.dir
    this.stop = new RunStop(this.signal, logStopped)
    // Every entry has its row from the start: a run cancelled even before it began reports them.
    this.listings = new Listings(settings.entries)
  }

  async run(): Promise<RunResult> {
    const { settings } = this
    this.dest = await openDestination(settings.dir)
    this.dir = this.dest.dir
    const http = new Http(settings.timeoutMs, settings.concurrency)
    let release: (() => Promise<void>) | undefined
    let waiting: NodeJS.Timeout | undefined
    try {
      release = await acquireLock(this.dest.dir, {
        timeoutMs: settings.timeoutMs,
        signal: this.signal,
        onWait: message => core.info(message)
      }).catch((error: unknown) => {
        throw this.dest.diskFull(error) ?? error
      })
      this.record = await DownloadRecord.load(this.dest.dir, settings.filename, message =>
        core.warning(message)
      )
      const registry = new NameRegistry()
      // Sharded: every shard names every entry from the whole list alone, so that they agree.
      const fromListOnly = settings.shard !== null
      const listings = this.listings.all
      const namer = new Namer(listings, settings.filename, registry, { fromListOnly })
      await plan({
        listings,
        ifExists: settings.ifExists,
        results: settings.results,
        dest: this.dest,
        record: this.record,
        registry,
        namer,
        fromListOnly
      })

      const api = new KieApi(settings.baseUrl, settings.apiKey, http, settings.timeoutMs)
      const governor = new Governor({
        concurrency: settings.concurrency,
        clock: this.clock,
        rateLimitBudgetMs: rateLimitBudgetMs(settings.timeoutMs),
        onPause: (pauseMs, rate) =>
          core.info(
            `kie.ai is rate-limiting this key: every API call waits ${(pauseMs / 1000).toFixed(1)} s${rate === null ? '' : `, then goes on at ${rate.toFixed(1)} calls per second`}.`
          )
      })
      // Tasks are waited for until the step's start + `wait`: no lookup, nor a rate-limit pause it meets, lasts past it.
      const deadline = this.startedAt + settings.waitMs
      // `concurrency` bounds API calls and downloads, each. Up to four times as many files are
      // under way, so API calls run ahead of the downloads: while long videos hold the file slots,
      // the images after them get their signed URLs and are ready the moment a slot frees. (Twice
      // left the API idle behind busy slots in the bench's mix.)
      this.limit = pLimit(settings.concurrency * 4)
      const fileSlots: TransferSlots = new TransferSlots(
        settings.concurrency,
        // Work still on its way to a file slot (queued, resolving, or between retries).
        (): boolean => this.limit.pendingCount > 0 || this.limit.activeCount > fileSlots.running
      )
      const policy: RetryPolicy = {
        retries: settings.retries,
        clock: this.clock,
        onRetry: notice => logRetry(notice.what, notice)
      }
      this.ctx = {
        api,
        http,
        dest: this.dest,
        governor,
        transferSlots: fileSlots,
        policy,
        clock: this.clock,
        timeoutMs: settings.timeoutMs,
        signal: this.signal,
        stop: this.stop,
        onProgress: logProgress
      }
      const watcher = new TaskWatcher({
        lookup: (type, taskId, signal) =>
          governor.run(
            'lookup',
            () => {
              this.stop.check()
              return api.lookup(FAMILIES[type].path, taskId, signal).catch(this.stop.escalate)
            },
            signal,
            deadline
          ),
        clock: this.clock,
        deadline,
        signal: this.stop.signal,
        onUnknownStatus: (task, raw) =>
          core.info(
            `Task ${task.taskId} (${task.type}) answered a status no document names: "${oneLine(raw, 60)}"; still waiting.`
          )
      })
      const disarm = this.stop.arm()

      logStart({
        files: this.listings.all.filter(s => s.kind === 'url' && !s.job.foreign).length,
        tasks: this.listings.all.filter(s => s.kind === 'task').length,
        dir: this.dest.dir
      })
      waiting = setInterval(() => {
        const still = watcher.running()
        if (still.length > 0) logWaiting(still)
        logLanded()
      }, WAITING_LOG_EVERY_MS)
      waiting.unref()

      this.noteRepeats()
      const listed: FileJob[] = []
      for (const slot of this.listings.all) {
        if (slot.kind === 'url') {
          // Another shard's file is only named here, so that this shard's names agree with it.
          if (!slot.job.foreign) listed.push(slot.job)
        } else if (slot.repeats) this.running.push(this.runRepeat(slot, slot.repeats))
        else if (slot.jobs.peek()) this.settleRecordedTask(slot)
        else this.running.push(this.runTask(slot, watcher))
      }
      for (const job of startOrder(listed)) this.start(job)
      await namer.run()
      // Tasks add files while they settle: wait until no work is left that could add more.
      for (let n = 0; n < this.running.length; n++) await this.running[n]
      disarm()
    } finally {
      clearInterval(waiting)
      http.dispose()
      await this.saveRecord()
      await release?.()
      await this.dest.close()
    }
    return this.result()
  }

  /** What is known now; files still under way count as cancelled (the cancel deadline). */
  result(): RunResult {
    const files: FileResult[] = []
    const tasks: TaskResult[] = []
    for (const slot of this.listings.all) {
      if (slot.kind === 'url' && slot.job.foreign) continue
      const jobs = slot.kind === 'url' ? [slot.job] : (slot.jobs.peek()?.value ?? [])
      for (const job of jobs) {
        // A job the namer had not reached yet (the cancel deadline) is numbered by its row.
        files.push(
          job.result.peek()?.value ?? {
            ...this.rowOf(job, job.index || files.length + 1),
            name: job.name,
            stoppedBy: 'cancelled'
          }
        )
      }
      if (slot.kind === 'task') {
        const task =
          this.taskResults.get(slot) ??
          ({
            taskId: slot.entry.taskId,
            type: slot.entry.type,
            state: 'failed',
            files: 0,
            error: null,
            stoppedBy: 'cancelled',
            ms: 0
          } satisfies TaskResult)
        tasks.push(task)
        if (jobs.length === 0) {
          const { taskId, type, endpoint } = slot.entry
          const origin = { url: '', taskId, family: type, endpoint, n: 1, extra: false }
          const sameAs = slot.repeats?.placeholderIndex
          files.push({
            ...this.rowOf(origin, slot.placeholderIndex ?? files.length + 1),
            url: null,
            ...(task.stoppedBy
              ? { stoppedBy: task.stoppedBy }
              : { error: task.error ?? 'produced no file' }),
            ...(sameAs === undefined ? {} : { sameAs })
          })
        }
      }
    }
    return {
      files,
      tasks,
      dir: this.dir,
      stopped: this.stop.reason,
      elapsedMs: this.clock.now() - this.startedAt
    }
  }

  /** Starts a job: its transfer now (within the pool), its placement once it is named. */
  private start(job: FileJob): void {
    const first = repeatOf(job)
    const work = first ? undefined : this.limit(() => this.work(job))
    this.running.push(
      (async () => {
        const done = await work
        await job.named.promise
        const result =
          first || !done
            ? this.mirror(job, await (first as FileJob).result.promise)
            : await this.finish(job, done)
        job.result.resolve(result)
        // A job rebuilt from a recorded task has only the URL without its query: its entry stays.
        const { disposition: d } = job
        const recorded = d.kind === 'keep' && (d.known !== null || d.fromRecordedTask)
        if (!first && !recorded && result.status !== 'failed' && result.name) {
          this.record.setFile(job.url, {
            path: result.name,
            bytes: result.bytes ?? 0,
            sha256: result.sha256 ?? '',
            contentType: result.contentType,
            mtimeMs: placedAt.get(job) ?? (await this.dest.existing(result.name))?.mtimeMs ?? 0
          })
        }
        logFile(result)
      })()
    )
  }

  /** The transfer: nothing for a kept or refused file; resolve + download otherwise. */
  private async work(job: FileJob): Promise<Work> {
    const started = this.clock.now()
    try {
      const { disposition: d } = job
      if (d.kind === 'refuse') return { kind: 'failed', error: d.why, ms: 0 }
      if (d.kind === 'keep' && job.name) {
        const facts = d.known ?? {
          ...(await this.dest.hash(job.name, this.signal)),
          contentType: mime.lookup(job.name) || null
        }
        return {
          kind: 'kept',
          bytes: facts.bytes,
          sha256: facts.sha256,
          contentType: facts.contentType
        }
      }
      const stoppedBy = this.stop.now()
      if (stoppedBy) return { kind: 'failed', error: null, stoppedBy, ms: 0 }
      const file = await fetchFile(job, this.ctx)
      return { kind: 'downloaded', file, ms: this.clock.now() - started }
    } catch (error) {
      // A full disk (a 401/402 was said already): every other download would fail the same way.
      this.stop.raiseFor(error)
      const ms = this.clock.now() - started
      const stoppedBy = this.stop.outcomeOf(error)
      if (stoppedBy) return { kind: 'failed', error: null, stoppedBy, ms }
      return { kind: 'failed', error: errorMessage(error), ms }
    } finally {
      // The namer may wait for this file's extension: no response means none.
      job.ext.resolve('')
    }
  }

  /** Places a finished file under its name (or reports why not). */
  private async finish(job: FileJob, work: Work): Promise<FileResult> {
    const name = job.name as string
    const row = { ...this.rowOf(job, job.index), name }
    if (work.kind === 'failed') {
      const { error, stoppedBy, ms } = work
      return { ...row, error, ...(stoppedBy ? { stoppedBy } : {}), ms }
    }
    if (work.kind === 'kept') {
      const { bytes, sha256, contentType } = work
      return {
        ...row,
        status: 'skipped',
        path: this.dest.pathOf(name),
        bytes,
        sha256,
        contentType,
        error: null
      }
    }
    const { file } = work
    try {
      // A name only known now (extension from Content-Type) may turn out to be taken: skip honours it
      // too, unless (a sharded run, which names from the list alone) it is another URL's file.
      if (
        this.settings.ifExists === 'skip' &&
        this.settings.shard !== null &&
        this.record.heldByOther(name, job.url)
      ) {
        await this.dest.removeTemp(file.tempPath)
        return { ...row, error: taken('skip', OTHER_URL), ms: work.ms }
      }
      if (this.settings.ifExists === 'skip' && (await this.dest.existing(name))) {
        await this.dest.removeTemp(file.tempPath)
        return {
          ...row,
          status: 'skipped',
          path: this.dest.pathOf(name),
          ...(await this.dest.hash(name, this.signal)),
          contentType: file.contentType,
          error: null
        }
      }
      const { path, mtimeMs } = await this.dest.place(
        file.tempPath,
        name,
        this.settings.ifExists === 'overwrite',
        file.mtimeMs
      )
      placedAt.set(job, mtimeMs)
      return {
        ...row,
        status: 'downloaded',
        path,
        bytes: file.bytes,
        sha256: file.sha256,
        contentType: file.contentType,
        error: null,
        ms: work.ms
      }
    } catch (error) {
      await this.dest.removeTemp(file.tempPath)
      const full = this.dest.diskFull(error)
      if (full) this.stop.raise(full.message)
      return { ...row, error: errorMessage(full ?? error), ms: work.ms }
    }
  }

  /** A repeat of an earlier URL reports what its first listing got. */
  private mirror(job: FileJob, first: FileResult): FileResult {
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

  /** Waits for a task, then starts its files. */
  private async runTask(slot: TaskListing, watcher: TaskWatcher): Promise<void> {
    const { entry } = slot
    const { position } = slot
    const started = this.clock.now()
    let jobs: FileJob[] = []
    let result: TaskResult
    try {
      this.stop.check()
      const outcome = await watcher.watch({ taskId: entry.taskId, type: entry.type })
      if (outcome.state === 'success') {
        const urls = [
          ...outcome.main.map(url => ({ url, extra: false })),
          ...(this.settings.results === 'all'
            ? outcome.extras.map(url => ({ url, extra: true }))
            : [])
        ]
        const sameTask = new Map<string, FileJob>()
        jobs = urls.map(({ url, extra }, i) =>
          this.listings.addJob(
            {
              url,
              taskId: entry.taskId,
              family: entry.type,
              endpoint: entry.endpoint,
              n: i + 1,
              extra,
              createdAt: outcome.createdAt
            },
            position,
            sameTask
          )
        )
        // A file an earlier run placed (a run cancelled half-way through this task) is kept.
        for (const job of jobs)
          await planLateJob(job, this.settings.ifExists, this.dest, this.record)
        result = {
          ...taskRow(entry),
          state: 'success',
          files: jobs.length,
          error: null,
          ms: outcome.ms
        }
      } else {
        result = {
          ...taskRow(entry),
          state: outcome.state,
          files: 0,
          error: outcome.error,
          ms: outcome.ms
        }
      }
    } catch (error) {
      this.stop.raiseFor(error)
      // Woken by a 401/402 elsewhere: this task was not finished, and is not looked at again.
      const stoppedBy = this.stop.outcomeOf(error)
      result = {
        ...taskRow(entry),
        state: 'failed',
        files: 0,
        error: stoppedBy ? null : errorMessage(error),
        ...(stoppedBy ? { stoppedBy } : {}),
        ms: this.clock.now() - started
      }
    }
    this.taskResults.set(slot, result)
    logMoreFiles(jobs.length)
    for (const job of jobs) this.start(job)
    slot.jobs.resolve(jobs)
    logTask(result)
    await this.recordTask(entry, jobs)
  }

  /**
   * A task listed again: no lookup of its own. Once the first listing has its files, each is
   * mirrored here (named and reported as the first, with this position), and so is its state.
   */
  private async runRepeat(slot: TaskListing, first: TaskListing): Promise<void> {
    const { position } = slot
    const jobs = (await first.jobs.promise).map(original => {
      const { url, taskId, family, endpoint, n, extra } = original
      const of = repeatOf(original) ?? original
      return newJob({ url, taskId, family, endpoint, n, extra }, position, { kind: 'repeat', of })
    })
    const result = this.taskResults.get(first)
    if (result) this.taskResults.set(slot, { ...result })
    for (const job of jobs) this.start(job)
    slot.jobs.resolve(jobs)
  }

  /** Says once per task listed more than once where it stands: it is looked up and downloaded once. */
  private noteRepeats(): void {
    const entries = new Map<TaskListing, number[]>()
    for (const slot of this.listings.all) {
      if (slot.kind !== 'task' || !slot.repeats) continue
      let seen = entries.get(slot.repeats)
      if (!seen) entries.set(slot.repeats, (seen = [slot.repeats.entry.index]))
      seen.push(slot.entry.index)
    }
    for (const [first, at] of entries) logRepeatedTask(first.entry.type, first.entry.taskId, at)
  }

  /** A task the record settled: its files are kept, and no API call is made. */
  private settleRecordedTask(slot: TaskListing): void {
    const jobs = slot.jobs.peek()?.value ?? []
    const result: TaskResult = {
      ...taskRow(slot.entry),
      state: 'skipped',
      files: jobs.length,
      error: null,
      ms: 0
    }
    this.taskResults.set(slot, result)
    logMoreFiles(jobs.length)
    for (const job of jobs) this.start(job)
    logTask(result)
  }

  /** Once every file of a task is in, the record lists the task, so a re-run needs no lookup. */
  private async recordTask(entry: TaskEntry, jobs: FileJob[]): Promise<void> {
    if (jobs.length === 0) return
    const results = await Promise.all(jobs.map(job => job.result.promise))
    if (results.every(r => r.status !== 'failed')) {
      this.record.setTask(
        entry.taskId,
        entry.type,
        jobs.map(job => job.url),
        jobs.filter(job => !job.extra).length,
        this.settings.results
      )
    }
  }

  private async saveRecord(): Promise<void> {
    if (!this.record) return
    try {
      await this.record.save()
    } catch (error) {
      // The files are fine; only the next `if-exists: skip` run loses its shortcut.
      const why = errorMessage(this.dest.diskFull(error) ?? error)
      core.warning(`Could not save the record of this run's files: ${why}`)
    }
  }

  /** A failed row for a file of this origin; callers fill in what they know. */
  private rowOf(origin: FileOrigin, index: number): FileResult {
    return {
      index,
      n: origin.n,
      url: origin.url,
      taskId: origin.taskId,
      family: origin.family,
      extra: origin.extra,
      status: 'failed',
      path: null,
      name: null,
      bytes: null,
      sha256: null,
      contentType: null,
      error: null,
      ms: 0
    }
  }
}

function taskRow(entry: TaskEntry): Pick<TaskResult, 'taskId' | 'type'> {
  return { taskId: entry.taskId, type: entry.type }
}

/** The destination, or an error naming the `path` input when it cannot be used. */
async function openDestination(dir: string): Promise<Destination> {
  try {
    return await Destination.open(dir)
  } catch (error) {
    if (error instanceof InputError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error)
    throw new InputError(
      Inputs.Path,
      `gives a folder that cannot be created or used (${code}: ${dir})`,
      'a writable folder'
    )
  }
}
