// Streams one signed URL into a temp file: sha256 and byte count while streaming, checked redirects, no half files.
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Destination } from '../place/destination.js'
import { TransferError } from '../errors.js'
import { type Http, IdleTimer, readText } from './http.js'
import { streamed } from '../util/memory.js'
import { RETRYABLE_STATUSES, classify, parseRetryAfter } from '../util/retry.js'
import { maskSignedUrl, oneLine, redactUrl } from '../util/safe-text.js'

export const MAX_REDIRECTS = 5
/** Progress lines for long downloads come this often, and only for them. */
export const PROGRESS_EVERY_MS = 5_000

export interface Downloaded {
  tempPath: string
  bytes: number
  sha256: string
  contentType: string | null
}

export interface DownloadOptions {
  timeoutMs: number
  /** Called about every 5 s while a long download runs. */
  onProgress?: (progress: Progress) => void
  now?: () => number
}

export interface Progress {
  bytes: number
  /** From Content-Length; null when the host did not say. */
  total: number | null
  elapsedMs: number
}

/** Downloads `signedUrl` into a new temp file in `dest`. On any failure the temp file is gone. */
export async function download(
  http: Http,
  signedUrl: string,
  dest: Destination,
  options: DownloadOptions
): Promise<Downloaded> {
  const message = await follow(http, signedUrl)
  const total = contentLength(message)
  const contentType = message.headers['content-type'] ?? null
  const { path: tempPath, handle } = await dest.createTemp().catch((error: unknown) => {
    message.destroy()
    throw error
  })
  const now = options.now ?? Date.now
  const started = now()
  let lastReport = started
  let bytes = 0
  const hash = createHash('sha256')
  const idle = new IdleTimer(options.timeoutMs, () =>
    message.destroy(
      new TransferError(`download stalled: no data for ${options.timeoutMs / 1000} s`, {
        retryable: true
      })
    )
  )
  // Hashing and counting happen in the same pass as the write: the file is read once, never held.
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      idle.touch()
      hash.update(chunk)
      bytes += chunk.length
      streamed(chunk.length)
      if (options.onProgress && now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now()
        options.onProgress({ bytes, total, elapsedMs: lastReport - started })
      }
      done(null, chunk)
    }
  })
  try {
    await pipeline(message, tap, handle.createWriteStream())
    // Node ends the body quietly when the peer closes cleanly too early: the count is the proof.
    if (!message.complete || (total !== null && bytes !== total)) {
      throw new TransferError(
        `download cut short: got ${bytes} of ${total ?? 'an unknown number of'} bytes`,
        { retryable: true }
      )
    }
  } catch (error) {
    await handle.close().catch(() => undefined)
    await dest.removeTemp(tempPath)
    if (error instanceof TransferError) throw error
    const classified = classify(error)
    throw new TransferError(`download failed after ${bytes} bytes: ${classified.message}`, {
      retryable: classified.retryable
    })
  } finally {
    idle.stop()
  }
  return { tempPath, bytes, sha256: hash.digest('hex'), contentType }
}

/**
 * GETs the URL, following at most 5 redirects by hand: each hop is checked (http(s) only, never
 * https to http), masked before use, and sent without any Authorization header.
 */
async function follow(http: Http, signedUrl: string): Promise<IncomingMessage> {
  let url = signedUrl
  for (let hop = 0; ; hop++) {
    const message = await http.request('GET', url, `file host ${new URL(url).host}`, {
      'accept-encoding': 'identity'
    })
    const status = message.statusCode ?? 0
    if (status >= 200 && status < 300) return message
    if (status >= 300 && status < 400 && message.headers.location) {
      message.resume()
      if (hop >= MAX_REDIRECTS)
        throw new TransferError(`file host redirected more than ${MAX_REDIRECTS} times`)
      url = nextHop(url, message.headers.location)
      continue
    }
    throw await hostError(message, status)
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

/**
 * The file host said no. 403 and 400 are how an S3-style host refuses an expired or bad signature:
 * the cure is a fresh signed URL, so these ask for one (and count as a retry).
 */
async function hostError(message: IncomingMessage, status: number): Promise<TransferError> {
  const text = await readText(message, 'file host', 64 * 1024, 10_000).catch(() => '')
  const s3Code = /<Code>([^<]{1,64})<\/Code>/.exec(text)?.[1]
  const detail = s3Code ? ` ${oneLine(s3Code, 64)}` : ''
  if (status === 403 || status === 400) {
    return new TransferError(`file host refused the signed URL (HTTP ${status}${detail})`, {
      retryable: true,
      refreshUrl: true
    })
  }
  const retryable = RETRYABLE_STATUSES.has(status)
  return new TransferError(`file host answered HTTP ${status}${detail}`, {
    retryable,
    retryAfterMs: retryable ? parseRetryAfter(message.headers['retry-after']) : undefined
  })
}

function contentLength(message: IncomingMessage): number | null {
  const value = message.headers['content-length']
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
}
