// What answers allow a ranged assembly: whether the main answer lets a file be split, and whether a part's answer is the range asked for.
import type { IncomingHttpHeaders } from 'node:http'
import { TransferError } from '../errors.js'

/*
 * Only against a strong validator. Bytes of two versions of an object must never be joined, and
 * only a strong ETag, sent as If-Range and required back on every part, proves a part comes from
 * the object the main stream is reading: a file whose first answer has none (no ETag, a weak one,
 * Last-Modified alone) is never split. Nor is a body with a Content-Encoding (ranges would count
 * encoded bytes), without a Content-Length, or from a host that says `Accept-Ranges: none`.
 *
 * A part's answer. A 200 to a ranged request means the host ignores Range (or the object
 * changed); a 206 without the ETag, or with another, means the host ignores If-Range or the object
 * changed: either way splitting ends and the main stream carries on alone. A 403 or 400 is the
 * signed URL refused (expired, most likely: a file can start late in its URL's 20 minutes and run
 * past them). Only a 206 with exactly the Content-Range asked for, a Content-Length to match and no
 * Content-Encoding is the range.
 */

/** What the main answer says about the file, as far as splitting goes. */
export interface SplitFacts {
  /** Content-Encoding of the main answer, in the order applied. */
  codings: readonly string[]
  /** Content-Length of the main answer (the bytes on the wire). */
  wireLength: number | null
  /** Size of the file on disk when known in advance (identity bodies with a length). */
  size: number | null
  /** The main answer's strong ETag, if any. */
  etag: string | null
  /** The host did not say `Accept-Ranges: none`. */
  acceptRanges: boolean
}

/** Whether a file this answer describes may be fetched in Range parts at all. */
export function maySplit(facts: SplitFacts, thresholdBytes: number): boolean {
  return (
    facts.etag !== null &&
    facts.acceptRanges &&
    facts.codings.length === 0 &&
    facts.wireLength !== null &&
    facts.size !== null &&
    facts.size >= thresholdBytes
  )
}

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
