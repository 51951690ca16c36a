// Streams one signed URL into a temp file: checked answers and redirects, decoding, sha256 and byte count, cancellation, no half files.
import { setMaxListeners } from 'node:events'
import { fstatSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { FileHandle } from 'node:fs/promises'
import { CancelledError, TransferError } from '../errors.js'
import type { Progress } from '../results.js'
import { type Http, readText } from '../util/http.js'
import { isSmall, readSmallBody } from './small.js'
import { Assembly, SPLIT_THRESHOLD_BYTES, type Spare } from './ranged.js'
import { fileFacts } from './main-answer.js'
import { realClock } from '../util/clock.js'
import { RETRYABLE_STATUSES, classify, parseRetryAfter } from '../util/retry.js'
import { maskSignedUrl, oneLine, redactUrl, scrub } from '../util/safe-text.js'

export type { Spare } from './ranged.js'

export const MAX_REDIRECTS = 5
/** Progress lines for long downloads come this often, and only for them. */
export const PROGRESS_EVERY_MS = 5_000

/**
 * Where a download writes: new temp files in the destination (place/destination.ts makes them),
 * and the words for a full disk.
 */
export interface TempFiles {
  /** A new, exclusively created temp file, open for writing. */
  createTemp(): Promise<{ path: string; handle: FileHandle }>
  /** A new temp file holding `body`, closed; its mtime after the write. */
  writeTemp(body: Buffer): Promise<{ path: string; mtimeMs: number }>
  /** Best effort: never throws. */
  removeTemp(path: string): Promise<void>
  /** The run-stopping error for ENOSPC/EDQUOT, or null for any other error. */
  diskFull(error: unknown): TransferError | null
}

export interface Downloaded {
  tempPath: string
  /** Size of the file on disk (decoded). */
  bytes: number
  /** sha256 of the file on disk (decoded), hex. */
  sha256: string
  contentType: string | null
  /** Range parts that fetched part of the file beside the main stream (0: one stream). */
  parts?: number
  /** The temp file's mtime after the last write (placing it keeps it). */
  mtimeMs?: number
}

/** What the final answer's headers say, before its body has come. */
export interface ResponseInfo {
  contentType: string | null
  /** The file's size when known in advance (identity body with Content-Length), else null. */
  total: number | null
}

export interface DownloadOptions {
  timeoutMs: number
  /** Called about every 5 s while a long download runs. */
  onProgress?: (progress: Progress) => void
  now?: () => number
  /** Aborting it destroys the requests at once, removes the temp file and rejects with CancelledError. */
  signal?: AbortSignal
  /**
   * Called once, when the status line and headers of the final hop arrived and were found to be a
   * file: the caller can decide the file's name (extension from Content-Type) during the body.
   */
  onResponse?: (info: ResponseInfo) => void
  /**
   * Idle file slots the pipeline can lend: when this file is big and slots are idle, what is left
   * of it is split into Range requests over them (see ranged.ts).
   */
  spare?: Spare
  /** Least bytes left for a split (default SPLIT_THRESHOLD_BYTES). */
  splitThresholdBytes?: number
  /** Told when a Range part of this file failed: the caller's later attempts should not split it. */
  onPartFailed?: () => void
}

/**
 * Downloads `signedUrl` into a new temp file in `dest`. On any failure, cancellation included, the
 * temp file is gone before this rejects.
 */
export async function download(
  http: Http,
  signedUrl: string,
  dest: TempFiles,
  options: DownloadOptions
): Promise<Downloaded> {
  const outer = options.signal
  if (outer?.aborted) throw new CancelledError()
  // One controller per file: its requests listen to it, not to the run's signal (which would
  // otherwise collect a listener per request under way), and the assembly aborts it when one piece
  // fails for good. The run's signal gets one listener per file under way, hence no leak warning.
  const stop = new AbortController()
  const signal = stop.signal
  const cancel = (): void => stop.abort()
  if (outer) {
    setMaxListeners(0, outer)
    outer.addEventListener('abort', cancel, { once: true })
  }
  let message: IncomingMessage | undefined
  let temp: Awaited<ReturnType<TempFiles['createTemp']>> | undefined
  let written = 0
  try {
    const answer = await follow(http, signedUrl, signal)
    message = answer.message
    const facts = fileFacts(message)
    options.onResponse?.({ contentType: facts.contentType, total: facts.size })
    if (isSmall(facts.size, facts.codings.length > 0)) {
      const { body, sha256 } = await readSmallBody(message, facts.size, options.timeoutMs, signal)
      const written = await dest.writeTemp(body)
      // A cancel that came while the file was being created: it is not reported, so it goes.
      if (signal.aborted) {
        await dest.removeTemp(written.path)
        throw new CancelledError()
      }
      return {
        tempPath: written.path,
        mtimeMs: written.mtimeMs,
        bytes: body.length,
        sha256,
        contentType: facts.contentType,
        parts: 0
      }
    }
    temp = await dest.createTemp()
    const now = options.now ?? Date.now
    const started = now()
    let lastReport = started
    const assembly = new Assembly({
      http,
      url: answer.url,
      what: answer.what,
      handle: temp.handle,
      tempPath: temp.path,
      timeoutMs: options.timeoutMs,
      stop,
      codings: facts.codings,
      wireLength: facts.wireLength,
      size: facts.size,
      etag: facts.etag,
      acceptRanges: facts.acceptRanges,
      spare: options.spare,
      splitThresholdBytes: options.splitThresholdBytes ?? SPLIT_THRESHOLD_BYTES,
      clock: realClock,
      onPartFailed: options.onPartFailed,
      onBytes: bytes => {
        written = bytes
        if (options.onProgress && now() - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = now()
          options.onProgress({ bytes, total: facts.size, elapsedMs: lastReport - started })
        }
      }
    })
    const got = await assembly.run(message)
    // The mtime for the record, from the handle: placing the file keeps it, so no lstat later.
    const { mtimeMs } = fstatSync(temp.handle.fd)
    await temp.handle.close()
    return {
      tempPath: temp.path,
      mtimeMs,
      bytes: got.bytes,
      sha256: got.sha256,
      contentType: facts.contentType,
      parts: got.parts
    }
  } catch (error) {
    message?.destroy()
    if (temp) {
      await temp.handle.close().catch(() => undefined)
      await dest.removeTemp(temp.path)
    }
    if (outer?.aborted) throw new CancelledError()
    if (error instanceof TransferError) throw error
    const full = dest.diskFull(error)
    if (full) throw full
    const classified = classify(error)
    throw new TransferError(`download failed after ${written} bytes: ${classified.message}`, {
      retryable: classified.retryable
    })
  } finally {
    outer?.removeEventListener('abort', cancel)
  }
}

/**
 * GETs the URL, following at most 5 redirects by hand: each hop is checked (http(s) only, never
 * https to http), masked before use, and sent without any Authorization header.
 */
async function follow(
  http: Http,
  signedUrl: string,
  signal: AbortSignal
): Promise<{ message: IncomingMessage; url: string; what: string }> {
  let url = signedUrl
  for (let hop = 0; ; hop++) {
    const what = `file host ${new URL(url).host}`
    const message = await http.request({
      method: 'GET',
      url,
      what,
      headers: { 'accept-encoding': 'identity' },
      signal
    })
    const status = message.statusCode ?? 0
    if (status >= 200 && status < 300) return { message, url, what }
    if (status >= 300 && status < 400 && message.headers.location) {
      message.resume()
      if (hop >= MAX_REDIRECTS)
        throw new TransferError(`file host redirected more than ${MAX_REDIRECTS} times`)
      url = nextHop(url, message.headers.location)
      continue
    }
    throw await hostError(message, status, signal)
  }
}

function nextHop(from: string, location: string): string {
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    throw new TransferError('file host redirected to an invalid URL')
  }
  // A hop to another presigned URL is as secret as the first one.
  if (next.search) maskSignedUrl(next.href)
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new TransferError(`file host redirected to a "${oneLine(next.protocol, 20)}" URL`)
  }
  if (new URL(from).protocol === 'https:' && next.protocol === 'http:') {
    throw new TransferError(
      `file host redirected from https to http (${redactUrl(next.href)}): refused`
    )
  }
  return next.href
}

/** S3's words for a signature at fault: the next signed URL may do, the file is not gone. */
const SIGNATURE_CODES = new Set([
  'SignatureDoesNotMatch',
  'ExpiredRequest',
  'InvalidAccessKeyId',
  'AuthorizationQueryParametersError',
  'RequestTimeTooSkewed'
])

/** A 403 that blames the signature, or Cloudflare's block ("error code: 1010") on the way. */
function notAboutTheFile(text: string, s3Code: string | undefined): boolean {
  if (s3Code !== undefined && SIGNATURE_CODES.has(s3Code)) return true
  return /Request has expired|error code: \d+/i.test(text)
}

/**
 * The file host said no. 403 and 400 are how an S3-style host refuses an expired or bad signature,
 * and 403, 404 and 410 how it says the object is gone: the cure for the first, and the test for
 * the second, is a fresh signed URL, so these ask for one (and count as a retry).
 */
async function hostError(
  message: IncomingMessage,
  status: number,
  signal: AbortSignal
): Promise<TransferError> {
  const text = await readText(message, {
    what: 'file host',
    maxBytes: 64 * 1024,
    timeoutMs: 10_000,
    signal
  }).catch(() => '')
  const s3Code = /<Code>([^<]{1,64})<\/Code>/.exec(text)?.[1]
  const detail = s3Code ? ` ${oneLine(scrub(s3Code), 64)}` : ''
  if (status === 403 || status === 400 || status === 404 || status === 410) {
    const refused = status === 403 || status === 400
    return new TransferError(
      refused
        ? `file host refused the signed URL (HTTP ${status}${detail})`
        : `file host answered HTTP ${status}${detail}`,
      { retryable: true, refreshUrl: true, gone: status !== 400 && !notAboutTheFile(text, s3Code) }
    )
  }
  const retryable = RETRYABLE_STATUSES.has(status)
  return new TransferError(`file host answered HTTP ${status}${detail}`, {
    retryable,
    retryAfterMs: retryable ? parseRetryAfter(message.headers['retry-after']) : undefined
  })
}
