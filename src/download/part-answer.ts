// A Range part's answer judged without I/O: the range asked for from the same object, or why not and what follows.
import type { IncomingHttpHeaders } from 'node:http'
import { TransferError } from '../errors.js'

/*
 * Every part asks with If-Range carrying the main answer's strong ETag (main-answer.ts: no strong
 * ETag, no parts), and must get that same ETag back. A 200 to a ranged request means the host ignores Range (or the object
 * changed); a 206 without the ETag, or with another, means the host ignores If-Range or the object
 * changed: either way splitting ends and the main stream carries on alone. A 403 or 400 is the
 * signed URL refused (expired, most likely: a file can start late in its URL's 20 minutes and run
 * past them). Only a 206 with exactly the Content-Range asked for, a Content-Length to match and no
 * Content-Encoding is the range.
 */

/** The range a part asked for, and of what. */
export interface PartAsked {
  from: number
  /** The last byte asked for (inclusive, as in the Range header). */
  last: number
  /** The file's size. */
  size: number | null
  /** The strong ETag sent as If-Range. */
  etag: string
}

/**
 * A part's answer judged: the range (`ok`), the whole object (`whole`), a range that may be from
 * another version (`other-version`), the signed URL refused (`refused`), another status
 * (`status`), or a 206 that is not the range asked for (`not-the-range`).
 */
export type PartVerdict = 'ok' | 'whole' | 'other-version' | 'refused' | 'status' | 'not-the-range'

export function checkPartAnswer(
  answer: { statusCode?: number; headers: IncomingHttpHeaders },
  asked: PartAsked
): PartVerdict {
  const status = answer.statusCode ?? 0
  if (status === 200) return 'whole'
  if (status === 403 || status === 400) return 'refused'
  if (status !== 206) return 'status'
  const { headers } = answer
  // The same object, proven: a 206 without the ETag, or with another, may be another version.
  if (headers.etag !== asked.etag) return 'other-version'
  const range = contentRange(headers['content-range'])
  const length = contentLength(headers)
  const exact =
    range !== null &&
    range.start === asked.from &&
    range.end === asked.last &&
    range.total === asked.size &&
    (length === null || length === asked.last - asked.from + 1) &&
    ['identity', ''].includes((headers['content-encoding'] ?? '').trim())
  return exact ? 'ok' : 'not-the-range'
}

/** The host answered a ranged request with the whole object, or not provably from the same object. */
export class RangeIgnored extends Error {}

/** The error a part fails with for a verdict other than `ok`; `what` names the part. */
export function partFailure(
  verdict: Exclude<PartVerdict, 'ok'>,
  status: number,
  what: string
): Error {
  switch (verdict) {
    case 'whole':
    case 'other-version':
      return new RangeIgnored()
    case 'refused':
      // Asking again with this URL is pointless; a download that needs the range after all asks
      // the caller for a fresh one.
      return new TransferError(`${what}: file host refused the signed URL (HTTP ${status})`, {
        retryable: true,
        refreshUrl: true
      })
    case 'status':
      return new TransferError(`${what}: answered HTTP ${status}`, { retryable: true })
    case 'not-the-range':
      return new TransferError(`${what}: the answer is not the range asked for`, {
        retryable: true
      })
  }
}

/** A part could not be had from the object the main stream reads, and nothing else can fetch its bytes. */
export function versionChanged(what: string): TransferError {
  return new TransferError(
    `${what} answered a Range part from another version of the file (or without its ETag): the file is fetched again whole`,
    { retryable: true }
  )
}

/** `Content-Range: bytes a-b/n` as numbers; null when absent or not of that form. */
export function contentRange(
  value: string | undefined
): { start: number; end: number; total: number | null } | null {
  const m = value === undefined ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value)
  if (!m) return null
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) }
}

/** Content-Length as a number; null when absent or not digits. */
export function contentLength(headers: IncomingHttpHeaders): number | null {
  const value = headers['content-length']
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
}
