// Asking the file host for a file: the GET, its redirects checked hop by hop, and its refusals read and judged.
import type { IncomingMessage } from 'node:http'
import { TransferError } from '../errors.js'
import { type Http, readText } from '../util/http.js'
import { RETRYABLE_STATUSES, parseRetryAfter } from '../util/retry.js'
import { maskSignedUrl, oneLine, redactUrl, scrub } from '../util/safe-text.js'

export const MAX_REDIRECTS = 5

/** The final hop's answer (status 2xx), and the URL that gave it. */
export interface FileAnswer {
  message: IncomingMessage
  /** The URL that answered (after redirects): Range parts ask it directly. */
  url: string
  /** Names the host in error messages, without the URL's query. */
  what: string
}

/**
 * GETs the URL, following at most 5 redirects by hand: each hop is checked (http(s) only, never
 * https to http), masked before use, and sent without any Authorization header.
 */
export async function follow(
  http: Http,
  signedUrl: string,
  signal: AbortSignal
): Promise<FileAnswer> {
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

/** The URL a redirect leads to from `from`, checked and masked; throws a final error for a hop refused. */
export function nextHop(from: string, location: string): string {
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

/** The file host said no: its answer's words read (at most 64 KiB), then judged by refusal(). */
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
  return refusal(status, text, message.headers['retry-after'])
}

/**
 * The error for a file host's no. 403 and 400 are how an S3-style host refuses an expired or bad
 * signature, and 403, 404 and 410 how it says the object is gone: the cure for the first, and the
 * test for the second, is a fresh signed URL, so these ask for one (and count as a retry).
 */
export function refusal(status: number, text: string, retryAfter?: string): TransferError {
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
    retryAfterMs: retryable ? parseRetryAfter(retryAfter) : undefined
  })
}
