// The answer to the plain GET of a file, judged without I/O: whether it is the whole file, whether it may be split, whether its body came whole.
import type { IncomingMessage } from 'node:http'
import { TransferError } from '../errors.js'
import { oneLine, scrub } from '../util/safe-text.js'
import { type Coding, parseContentEncoding } from './decode.js'
import { contentLength, contentRange } from './part-answer.js'

/** What the main answer's headers say about the file. */
export interface FileFacts {
  contentType: string | null
  /** Content-Encoding of the main answer, in the order applied. */
  codings: Coding[]
  /** Content-Length of the main answer (the bytes on the wire). */
  wireLength: number | null
  /** Size of the file on disk when known in advance (identity bodies with a length). */
  size: number | null
  /** The main answer's strong ETag, if any. */
  etag: string | null
  /** The host did not say `Accept-Ranges: none`. */
  acceptRanges: boolean
}

/** The facts that decide whether a file may be split. */
export type SplitFacts = Omit<FileFacts, 'contentType'>

/**
 * Only a 200 is the whole file when no Range was asked for. A 206, or a Content-Range that does
 * not span the whole body, is part of it: retryable, as a proxy or CDN hiccup may cause it.
 */
export function fileFacts(message: Pick<IncomingMessage, 'statusCode' | 'headers'>): FileFacts {
  const status = message.statusCode ?? 0
  if (status === 206) {
    throw new TransferError(
      'file host answered 206 Partial Content to a request for the whole file',
      { retryable: true }
    )
  }
  if (status !== 200) {
    throw new TransferError(`file host answered HTTP ${status} instead of the file`, {
      retryable: true
    })
  }
  const { headers } = message
  const codings = parseContentEncoding(headers['content-encoding'])
  const wireLength = contentLength(headers)
  const rangeTotal = wholeRange(headers['content-range'], wireLength)
  const etag = headers.etag
  return {
    contentType: headers['content-type'] ?? null,
    codings,
    wireLength,
    // The encoded length says nothing of the decoded size.
    size: codings.length > 0 ? null : (wireLength ?? rangeTotal),
    etag: etag && !etag.startsWith('W/') ? etag : null,
    acceptRanges: (headers['accept-ranges'] ?? '').trim().toLowerCase() !== 'none'
  }
}

/** The total of a Content-Range that spans the whole body (null without one); throws for any other. */
function wholeRange(header: string | undefined, wireLength: number | null): number | null {
  if (header === undefined) return null
  const range = contentRange(header)
  const whole =
    range !== null &&
    range.total !== null &&
    range.start === 0 &&
    range.end === range.total - 1 &&
    (wireLength === null || wireLength === range.total)
  if (!whole) {
    throw new TransferError(
      `file host sent Content-Range "${oneLine(scrub(header), 60)}", which is not the whole file`,
      { retryable: true }
    )
  }
  return range.total
}

/*
 * Only against a strong validator. Bytes of two versions of an object must never be joined, and
 * only a strong ETag, sent as If-Range and required back on every part, proves a part comes from
 * the object the main stream is reading: a file whose first answer has none (no ETag, a weak one,
 * Last-Modified alone) is never split. Nor is a body with a Content-Encoding (ranges would count
 * encoded bytes), without a Content-Length, or from a host that says `Accept-Ranges: none`.
 */

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

/** How the main stream's body ended by itself (not stopped at its segment's end). */
export interface MainEnd {
  /** Node's word that the body came to its end. */
  complete: boolean
  /** Bytes that came on the wire (encoded, if it was). */
  wire: number
  /** Where the main stream's segment stood, and where it was to end. */
  pos: number
  end: number
}

/**
 * The error for a main stream that ended short, or null when it brought all it should: node ends
 * a body quietly when the peer closes cleanly too early, the counts are the proof.
 */
export function cutShort(facts: SplitFacts, body: MainEnd): TransferError | null {
  const { codings, wireLength, size } = facts
  const short =
    !body.complete ||
    (wireLength !== null && body.wire !== wireLength) ||
    (body.end !== Infinity && body.pos !== body.end)
  if (!short) return null
  const encoded = codings.length > 0
  const of = encoded ? wireLength : size
  const got = encoded ? body.wire : body.pos
  return new TransferError(
    `download cut short: got ${got} of ${of ?? 'an unknown number of'}${encoded ? ' encoded' : ''} bytes`,
    { retryable: true }
  )
}
