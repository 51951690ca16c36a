// A job's transfer: a kept file's facts, or kie.ai URL to finished temp file (resolve, download, refresh a refused URL).
import type { Destination } from '../place/destination.js'
import { extFromContentType } from '../util/names.js'
import { type Downloaded, download } from '../download/download.js'
import type { Progress, StoppedBy } from '../results.js'
import type { Http } from '../util/http.js'
import { TransferError, errorMessage } from '../errors.js'
import * as mime from '../util/mime.js'
import type { Governor } from '../resolve/governor.js'
import type { KieApi } from '../resolve/kie-api.js'
import type { Clock } from '../util/clock.js'
import { type RetryPolicy, withRetry } from '../util/retry.js'
import type { FileJob } from './jobs.js'
import type { FileFacts } from './rows.js'
import type { TransferSlots } from './transfer-slots.js'
import { type RunStop, StoppedError } from './stop.js'

/** A signed URL lives 20 minutes; one older than this is replaced before a download starts. */
export const SIGNED_URL_MAX_AGE_MS = 18 * 60 * 1000

export interface FetchContext {
  api: KieApi
  http: Http
  dest: Destination
  governor: Governor
  transferSlots: TransferSlots
  policy: RetryPolicy
  clock: Clock
  timeoutMs: number
  signal: AbortSignal
  /** The run's stop: checked before every call and download, raised by an answer that stops all. */
  stop: RunStop
  onProgress: (label: string, progress: Progress) => void
}

/** What a job's transfer came to. */
export type Work =
  | { kind: 'downloaded'; file: Downloaded; ms: number }
  | ({ kind: 'kept' } & Omit<FileFacts, 'path'>)
  | { kind: 'failed'; error: string | null; stoppedBy?: StoppedBy; ms: number }

/**
 * A job's transfer: nothing for a refused file, the facts of a kept one (hashed unless the record
 * vouches for them), resolve and download otherwise, unless the run has stopped.
 */
export async function transfer(job: FileJob, ctx: FetchContext): Promise<Work> {
  const started = ctx.clock.now()
  try {
    const { disposition: d } = job
    if (d.kind === 'refuse') return { kind: 'failed', error: d.why, ms: 0 }
    if (d.kind === 'keep' && job.name) {
      const { bytes, sha256 } = d.known ?? (await ctx.dest.hash(job.name, ctx.signal))
      const contentType = d.known ? d.known.contentType : mime.lookup(job.name) || null
      return { kind: 'kept', bytes, sha256, contentType }
    }
    const stoppedBy = ctx.stop.now()
    if (stoppedBy) return { kind: 'failed', error: null, stoppedBy, ms: 0 }
    const file = await fetchFile(job, ctx)
    return { kind: 'downloaded', file, ms: ctx.clock.now() - started }
  } catch (error) {
    // A full disk (a 401/402 was said already): every other download would fail the same way.
    ctx.stop.raiseFor(error)
    const ms = ctx.clock.now() - started
    const stoppedBy = ctx.stop.outcomeOf(error)
    if (stoppedBy) return { kind: 'failed', error: null, stoppedBy, ms }
    return { kind: 'failed', error: errorMessage(error), ms }
  } finally {
    // The namer may wait for this file's extension: no response means none.
    job.ext.resolve('')
  }
}

/** `#3 cat.png`: how logs name a file before it has its final name. */
export function jobLabel(job: FileJob): string {
  return `${job.urlName.stem}${job.urlName.ext}`
}

/**
 * Resolve, then download, under the one retry policy. A refused or expired signed URL is exchanged
 * once for a fresh one at no cost to `retries` (a refresh is not a retry); a second refusal is.
 * A file the host says is gone (403, 404, 410) with the fresh URL too has expired on kie.ai: it
 * fails at once, after two download-url calls, and no retry asks again.
 */
export async function fetchFile(job: FileJob, ctx: FetchContext): Promise<Downloaded> {
  const label = jobLabel(job)
  let signed: { url: string; at: number } | undefined
  let refreshed = false
  const fresh = async (): Promise<{ url: string; at: number }> => {
    // A job queued when a 401/402 arrived must not spend another call.
    ctx.stop.check()
    return { url: await resolve(job, label, ctx), at: ctx.clock.now() }
  }
  const stale = (s: { at: number }): boolean => ctx.clock.now() - s.at > SIGNED_URL_MAX_AGE_MS
  // Once a Range part of this file failed, its later attempts take it in one stream.
  let oneStream = false
  const fetchOnce = (url: string): Promise<Downloaded> =>
    download(ctx.http, url, ctx.dest, {
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      spare: oneStream ? undefined : ctx.transferSlots,
      onPartFailed: () => (oneStream = true),
      onResponse: info => job.ext.resolve(extFromContentType(info.contentType)),
      onProgress: p => ctx.onProgress(label, p)
    }).catch(ctx.stop.escalate)
  /** A refusal of the refreshed URL: final when it says the file is gone, else as before. */
  const refusedAgain = (error: TransferError): TransferError => {
    signed = undefined
    return error.gone ? expiredError(error, job.createdAt, ctx.clock.now()) : error
  }
  return withRetry(
    label,
    ctx.policy,
    async () => {
      signed ??= await fresh()
      // A slot per attempt: an entry sleeping before its next attempt holds no connection.
      return ctx.transferSlots.run(async () => {
        // A stop that came while this waited for a slot (a full disk, a 401) starts nothing more.
        ctx.stop.check()
        // Waiting for a slot may have aged the URL past its life: exchange it before use.
        if (!signed || stale(signed)) signed = await fresh()
        try {
          return await fetchOnce(signed.url)
        } catch (error) {
          if (!(error instanceof TransferError && error.refreshUrl)) throw error
          if (refreshed) throw refusedAgain(error)
          signed = undefined
          refreshed = true
          signed = await fresh()
          try {
            return await fetchOnce(signed.url)
          } catch (again) {
            if (again instanceof TransferError && again.refreshUrl) throw refusedAgain(again)
            throw again
          }
        }
      }, ctx.signal)
    },
    ctx.signal
  )
}

/** kie.ai keeps generated files this long; their links often die sooner. */
const KEPT_DAYS = 14

/**
 * The final error of a file whose fresh signed URL met "gone" too: that the file has expired on
 * kie.ai and when its task was created when kie.ai said so (first, as a long error is cut at its
 * end), then what the host said.
 */
export function expiredError(
  error: TransferError,
  createdAt: number | undefined,
  now: number
): TransferError {
  const created =
    createdAt === undefined
      ? ''
      : `; its task was created ${new Date(createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${age(now - createdAt)}`
  return new TransferError(
    `the file has expired on kie.ai (kept up to ${KEPT_DAYS} days, links often die sooner${created}): ` +
      `${error.message} again with a fresh signed URL`
  )
}

/** "3 days ago", "5 hours ago", "less than an hour ago". */
function age(ms: number): string {
  const hours = Math.floor(ms / 3_600_000)
  if (hours >= 48) return `${Math.floor(hours / 24)} days ago`
  if (hours >= 1) return `${hours} hour${hours === 1 ? '' : 's'} ago`
  return 'less than an hour ago'
}

/** The API call with its own retries (rate limits are the governor's); what escapes is final. */
async function resolve(job: FileJob, label: string, ctx: FetchContext): Promise<string> {
  try {
    return await withRetry(
      `${label} (kie.ai)`,
      ctx.policy,
      () =>
        ctx.governor.run(
          'resolve',
          () => {
            // Queued behind the call that met a 401/402: that answer stands for this one too.
            ctx.stop.check()
            return ctx.api
              .resolve({ url: job.url, taskId: job.taskId, endpoint: job.endpoint }, ctx.signal)
              .catch(ctx.stop.escalate)
          },
          ctx.signal
        ),
      ctx.signal
    )
  } catch (error) {
    if (!(error instanceof TransferError) || error instanceof StoppedError) throw error
    ctx.stop.raiseFor(error)
    // The API's retries are spent: final for this file (the download's retries do not ask again).
    throw new TransferError(error.message, { stopAll: error.stopAll })
  }
}
