// Opening a run: the destination locked, the record read, and every tool of the stages built whole before anything starts.
import * as core from '@actions/core'
import pLimit, { type LimitFunction } from 'p-limit'
import { Inputs } from '../constants.js'
import { InputError, errorMessage } from '../errors.js'
import type { Settings } from '../inputs/inputs.js'
import { Destination } from '../place/destination.js'
import { acquireLock } from '../place/lock.js'
import { NameRegistry } from '../place/naming.js'
import { DownloadRecord } from '../place/record.js'
import { logProgress, logRetry } from '../report/log.js'
import { Governor, rateLimitBudgetMs } from '../resolve/governor.js'
import { KieApi } from '../resolve/kie-api.js'
import { FAMILIES } from '../tasks/families.js'
import { TaskWatcher } from '../tasks/watch.js'
import type { Clock } from '../util/clock.js'
import { Http } from '../util/http.js'
import type { RetryPolicy } from '../util/retry.js'
import { oneLine } from '../util/safe-text.js'
import type { FetchContext } from './fetch.js'
import type { Listing } from './listings.js'
import { Namer } from './namer.js'
import type { PlacementContext } from './placement.js'
import type { RunStop } from './stop.js'
import { TransferSlots } from './transfer-slots.js'

/** What a run is opened with besides its settings. */
export interface OpenDeps {
  clock: Clock
  /** The runner's cancel: the wait for the lock ends with it. */
  signal: AbortSignal
  /** When the step started (epoch ms): `wait` counts from here. */
  startedAt: number
}

/** What openRun opens, and close() closes again. */
interface Opened {
  dest: Destination
  http: Http
  record: DownloadRecord
  release: () => Promise<void>
}

/** Every tool a run drives, built whole. */
export interface RunTools {
  dest: Destination
  record: DownloadRecord
  registry: NameRegistry
  namer: Namer
  http: Http
  api: KieApi
  governor: Governor
  /** The work under way at once (resolving, downloading, waiting between retries). */
  pool: LimitFunction
  transferSlots: TransferSlots
  policy: RetryPolicy
  fetch: FetchContext
  placement: PlacementContext
  watcher: TaskWatcher
  /** Ends the run's hold: connections closed, the record saved (or warned of), the lock freed. */
  close: () => Promise<void>
}

/**
 * Opens the destination, waits for its lock and reads its record, then builds the rest. What was
 * opened is closed again when a later step of this fails.
 */
export async function openRun(
  settings: Settings,
  listings: readonly Listing[],
  stop: RunStop,
  deps: OpenDeps
): Promise<RunTools> {
  const dest = await openDestination(settings.dir)
  const http = new Http(settings.timeoutMs, settings.concurrency)
  let release: (() => Promise<void>) | undefined
  try {
    release = await acquireLock(dest.dir, {
      timeoutMs: settings.timeoutMs,
      signal: deps.signal,
      onWait: message => core.info(message)
    }).catch((error: unknown) => {
      throw dest.diskFull(error) ?? error
    })
    const record = await DownloadRecord.load(dest.dir, settings.filename, message =>
      core.warning(message)
    )
    return build(settings, listings, stop, deps, { dest, http, record, release })
  } catch (error) {
    http.dispose()
    await release?.()
    await dest.close()
    throw error
  }
}

/** The tools that open nothing, around what openRun opened. */
function build(
  settings: Settings,
  listings: readonly Listing[],
  stop: RunStop,
  deps: OpenDeps,
  opened: Opened
): RunTools {
  const { dest, http, record } = opened
  const { clock } = deps
  const registry = new NameRegistry()
  // Sharded: every shard names every entry from the whole list alone, so that they agree.
  const fromListOnly = settings.shard !== null
  const namer = new Namer(listings, settings.filename, registry, { fromListOnly })
  const api = new KieApi(settings.baseUrl, settings.apiKey, http, settings.timeoutMs)
  const governor = newGovernor(settings, clock)
  const { pool, transferSlots } = newPool(settings.concurrency)
  const policy: RetryPolicy = {
    retries: settings.retries,
    clock,
    onRetry: notice => logRetry(notice.what, notice)
  }
  const { timeoutMs } = settings
  const { signal } = deps
  return {
    dest,
    record,
    registry,
    namer,
    http,
    api,
    governor,
    pool,
    transferSlots,
    policy,
    fetch: {
      api,
      http,
      dest,
      governor,
      transferSlots,
      policy,
      clock,
      timeoutMs,
      signal,
      stop,
      onProgress: logProgress
    },
    placement: { dest, record, ifExists: settings.ifExists, sharded: fromListOnly, stop, signal },
    watcher: newWatcher(settings, api, governor, stop, deps),
    close: () => close(opened)
  }
}

/**
 * `concurrency` bounds API calls and downloads, each. Up to four times as many files are under
 * way, so API calls run ahead of the downloads: while long videos hold the transfer slots, the
 * images after them get their signed URLs and are ready the moment a slot frees. (Twice left the
 * API idle behind busy slots in the bench's mix.)
 */
function newPool(concurrency: number): { pool: LimitFunction; transferSlots: TransferSlots } {
  const pool = pLimit(concurrency * 4)
  const transferSlots: TransferSlots = new TransferSlots(
    concurrency,
    // Work still on its way to a transfer slot (queued, resolving, or between retries).
    (): boolean => pool.pendingCount > 0 || pool.activeCount > transferSlots.running
  )
  return { pool, transferSlots }
}

function newGovernor(settings: Settings, clock: Clock): Governor {
  return new Governor({
    concurrency: settings.concurrency,
    clock,
    rateLimitBudgetMs: rateLimitBudgetMs(settings.timeoutMs),
    onPause: (pauseMs, rate) =>
      core.info(
        `kie.ai is rate-limiting this key: every API call waits ${(pauseMs / 1000).toFixed(1)} s${rate === null ? '' : `, then goes on at ${rate.toFixed(1)} calls per second`}.`
      )
  })
}

/** Looks tasks up through the governor until the step's start + `wait`, and not once the run stopped. */
function newWatcher(
  settings: Settings,
  api: KieApi,
  governor: Governor,
  stop: RunStop,
  deps: OpenDeps
): TaskWatcher {
  // No lookup, nor a rate-limit pause it meets, lasts past the deadline.
  const deadline = deps.startedAt + settings.waitMs
  return new TaskWatcher({
    lookup: (type, taskId, signal) =>
      governor.run(
        'lookup',
        () => {
          stop.check()
          return api.lookup(FAMILIES[type].path, taskId, signal).catch(stop.escalate)
        },
        signal,
        deadline
      ),
    clock: deps.clock,
    deadline,
    signal: stop.signal,
    onUnknownStatus: (task, raw) =>
      core.info(
        `Task ${task.taskId} (${task.type}) answered a status no document names: "${oneLine(raw, 60)}"; still waiting.`
      )
  })
}

/** Connections closed, the record saved (a failure is only a warning), the lock released. */
async function close(opened: Opened): Promise<void> {
  opened.http.dispose()
  try {
    await opened.record.save()
  } catch (error) {
    // The files are fine; only the next `if-exists: skip` run loses its shortcut.
    const why = errorMessage(opened.dest.diskFull(error) ?? error)
    core.warning(`Could not save the record of this run's files: ${why}`)
  }
  await opened.release()
  await opened.dest.close()
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
