// Runs a whole list: dedupe, skip what is there, resolve + download through a bounded pool, name and place in input order.
import * as core from '@actions/core'
import mime from 'mime-types'
import pLimit, { type LimitFunction } from 'p-limit'
import { Inputs, RECORD_FILE } from '../constants.js'
import { Destination, recordEntry, recordKey } from '../place/destination.js'
import { type Downloaded, type Progress, download } from '../download/download.js'
import { InputError, TransferError, errorMessage } from '../errors.js'
import { Http } from '../download/http.js'
import type { UrlEntry as Entry, Settings } from '../inputs/inputs.js'
import { KieApi } from '../resolve/kie-api.js'
import { NameRegistry, extFromContentType, renderName } from '../place/naming.js'
import { type Job, planJobs } from '../place/plan.js'
import { formatBytes, logResult } from '../report/report.js'
import { type RetryClock, type RetryPolicy, realClock, withRetry } from '../util/retry.js'
import { oneLine } from '../util/safe-text.js'

/** The destination, or an error naming the `path` input when it cannot be used. */
async function openDestination(dir: string): Promise<Destination> {
  try {
    return await Destination.open(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error)
    throw new InputError(
      Inputs.Path,
      `gives a folder that cannot be created or used (${code}: ${dir})`,
      'a writable folder'
    )
  }
}

/** A signed URL lives 20 minutes; one older than this is replaced before a download starts. */
export const SIGNED_URL_MAX_AGE_MS = 18 * 60 * 1000

export type Status = 'downloaded' | 'skipped' | 'failed'

/** What happened to one listed entry. */
export interface EntryResult {
  entry: Entry
  status: Status
  /** Absolute path of the file, when there is one. */
  path: string | null
  /** Path relative to the destination (the name the template gave), when known. */
  name: string | null
  bytes: number | null
  sha256: string | null
  contentType: string | null
  error: string | null
  /** Milliseconds this entry's transfer took (0 when nothing was transferred). */
  ms: number
}

type Work =
  | { kind: 'downloaded'; file: Downloaded; ms: number }
  | { kind: 'kept'; relPath: string; bytes: number; sha256: string; contentType: string | null }
  | { kind: 'failed'; error: string; ms: number }

export interface Deps {
  clock: RetryClock
}

export async function downloadAll(
  settings: Settings,
  deps: Deps = { clock: realClock }
): Promise<EntryResult[]> {
  const dest = await openDestination(settings.dir)
  const record = await dest.loadRecord(settings.filename)
  const registry = new NameRegistry()
  const jobs = await planJobs(settings, dest, record, registry)

  const http = new Http(settings.timeoutMs)
  const api = new KieApi(settings.baseUrl, settings.apiKey, http, settings.timeoutMs)
  const policy: RetryPolicy = {
    retries: settings.retries,
    clock: deps.clock,
    onRetry: r =>
      core.info(
        `  ↻ ${r.what}: ${oneLine(r.reason)}; retry ${r.retry}/${r.of} in ${(r.waitMs / 1000).toFixed(1)} s`
      )
  }
  let stopped: string | undefined
  // `concurrency` bounds API calls and downloads, each. Up to twice as many entries are under way,
  // so the next entries' API calls overlap running downloads instead of waiting for them: the
  // latency of one of the two hops is hidden. A signed URL waits at most one download for its turn.
  const limit = pLimit(settings.concurrency * 2)
  const apiSlots = pLimit(settings.concurrency)
  const fileSlots = pLimit(settings.concurrency)

  const fetchContext: FetchContext = {
    api,
    http,
    dest,
    policy,
    settings,
    clock: deps.clock,
    apiSlots,
    fileSlots,
    stopped: () => stopped,
    stop: error => {
      if (stopped) return
      stopped = `an earlier entry failed with: ${error.message}`
      core.warning(
        `${oneLine(error.message)}. Every other entry would fail the same way: starting no more.`
      )
    }
  }
  const runJob = async (job: Job): Promise<Work> => {
    const started = deps.clock.now()
    try {
      if (job.early) return { kind: 'failed', error: job.early, ms: 0 }
      if (job.keep && job.name) {
        const relPath = job.name
        const facts = job.keep.known ?? {
          ...(await dest.hash(relPath)),
          contentType: mime.lookup(relPath) || null
        }
        return {
          kind: 'kept',
          relPath,
          bytes: facts.bytes,
          sha256: facts.sha256,
          contentType: facts.contentType
        }
      }
      if (stopped) return { kind: 'failed', error: `not started: ${stopped}`, ms: 0 }
      const file = await fetchJob(job, fetchContext)
      return { kind: 'downloaded', file, ms: deps.clock.now() - started }
    } catch (error) {
      return { kind: 'failed', error: errorMessage(error), ms: deps.clock.now() - started }
    }
  }

  const pending = jobs.map(job => limit(() => runJob(job)))

  // Names are given in input order whatever order downloads finish in: the same input, the same names.
  const outcomes = new Map<string, EntryResult>()
  core.startGroup(
    `Downloading ${jobs.length} file${jobs.length === 1 ? '' : 's'} to ${settings.dir}`
  )
  try {
    for (const [i, job] of jobs.entries()) {
      const result = await finish(job, await pending[i], registry, dest, settings)
      if (result.status !== 'failed' && result.name && !job.keep?.known) {
        record.set(
          recordKey(job.entry.url),
          recordEntry(job.entry.url, result.name, {
            bytes: result.bytes ?? 0,
            sha256: result.sha256 ?? '',
            contentType: result.contentType,
            mtimeMs: (await dest.existing(result.name))?.mtimeMs ?? 0
          })
        )
      }
      outcomes.set(job.entry.url, result)
      logResult(result)
    }
  } finally {
    core.endGroup()
    http.dispose()
  }
  try {
    await dest.saveRecord(settings.filename, record)
  } catch (error) {
    // The files are fine; only the next `if-exists: skip` run loses its shortcut.
    core.warning(`Could not write ${RECORD_FILE} in ${settings.dir}: ${errorMessage(error)}`)
  }
  return settings.entries.map(entry => ({ ...(outcomes.get(entry.url) as EntryResult), entry }))
}

interface FetchContext {
  api: KieApi
  http: Http
  dest: Destination
  policy: RetryPolicy
  settings: Settings
  clock: RetryClock
  apiSlots: LimitFunction
  fileSlots: LimitFunction
  /** Why no more entries may start (a 401 or 402 came), if so. */
  stopped: () => string | undefined
  /** Says once that no more entries start, before the next queued API call could go out. */
  stop: (error: TransferError) => void
}

/**
 * Resolve, then download, under the one retry policy. A refused or old signed URL is exchanged for
 * a fresh one on the next attempt, which counts as a retry of the download.
 */
async function fetchJob(job: Job, ctx: FetchContext): Promise<Downloaded> {
  const label = `#${job.entry.index} ${job.urlName.stem}${job.urlName.ext}`
  const fresh = async (): Promise<{ url: string; at: number }> => {
    // An entry queued for the API when a 401/402 arrived must not spend another call.
    const stopped = ctx.stopped()
    if (stopped) throw new TransferError(`not started: ${stopped}`)
    return { url: await resolve(job.entry, label, ctx), at: ctx.clock.now() }
  }
  const stale = (s: { at: number }): boolean => ctx.clock.now() - s.at > SIGNED_URL_MAX_AGE_MS
  let signed: { url: string; at: number } | undefined
  return withRetry(label, ctx.policy, async () => {
    if (!signed) signed = await ctx.apiSlots(fresh)
    // A slot per attempt: an entry sleeping before its next attempt holds no connection.
    return ctx.fileSlots(async () => {
      // Waiting for a slot may have aged the URL past its life: exchange it before use.
      if (!signed || stale(signed)) signed = await ctx.apiSlots(fresh)
      try {
        return await download(ctx.http, signed.url, ctx.dest, {
          timeoutMs: ctx.settings.timeoutMs,
          onProgress: p => core.info(`  … ${label}: ${progressText(p)}`)
        })
      } catch (error) {
        if (error instanceof TransferError && error.refreshUrl) signed = undefined
        throw error
      }
    })
  })
}

/** The API call with its own retries; what escapes them is final for the entry. */
async function resolve(entry: Entry, label: string, ctx: FetchContext): Promise<string> {
  try {
    return await withRetry(`${label} (kie.ai)`, ctx.policy, () => ctx.api.resolve(entry))
  } catch (error) {
    const e = error as TransferError
    if (e.stopAll) ctx.stop(e)
    throw new TransferError(e.message, { stopAll: e.stopAll })
  }
}

function progressText(p: Progress): string {
  const rate = p.bytes / 1024 / 1024 / Math.max(p.elapsedMs / 1000, 0.001)
  const percent = p.total ? `${Math.floor((p.bytes / p.total) * 100)}% ` : ''
  const of = p.total ? ` of ${formatBytes(p.total)}` : ''
  return `${percent}(${formatBytes(p.bytes)}${of}, ${rate.toFixed(1)} MiB/s)`
}

/** Names and places one job's file (input order), or records why it failed. */
async function finish(
  job: Job,
  work: Work,
  registry: NameRegistry,
  dest: Destination,
  settings: Settings
): Promise<EntryResult> {
  const base = {
    entry: job.entry,
    path: null,
    bytes: null,
    sha256: null,
    contentType: null,
    error: null,
    ms: 0
  }
  if (work.kind === 'failed') {
    return { ...base, status: 'failed', name: job.name, error: work.error, ms: work.ms }
  }
  if (work.kind === 'kept') {
    const { relPath, bytes, sha256, contentType } = work
    return {
      ...base,
      status: 'skipped',
      path: dest.pathOf(relPath),
      name: relPath,
      bytes,
      sha256,
      contentType
    }
  }
  const { file } = work
  const ext = job.urlName.ext || extFromContentType(file.contentType)
  const relPath =
    job.name ??
    registry.claim(renderName(settings.filename, { ...job.urlName, ext, ...job.entry }), ext)
  const facts = {
    bytes: file.bytes,
    sha256: file.sha256,
    contentType: file.contentType,
    ms: work.ms
  }
  try {
    // A name only known now (extension from Content-Type) may turn out to be taken: skip honours it too.
    if (settings.ifExists === 'skip' && (await dest.existing(relPath))) {
      await dest.removeTemp(file.tempPath)
      return {
        ...base,
        status: 'skipped',
        path: dest.pathOf(relPath),
        name: relPath,
        ...(await dest.hash(relPath)),
        contentType: file.contentType
      }
    }
    const path = await dest.place(file.tempPath, relPath, settings.ifExists === 'overwrite')
    return { ...base, status: 'downloaded', path, name: relPath, ...facts }
  } catch (error) {
    await dest.removeTemp(file.tempPath)
    return { ...base, status: 'failed', name: relPath, error: errorMessage(error), ms: work.ms }
  }
}
