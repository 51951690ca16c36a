// Content-Encoding: the zlib decoders that turn a gzip, deflate or br body into the file a browser would save.
import type { Readable, Transform } from 'node:stream'
import { TransferError } from '../errors.js'
import { oneLine } from '../util/safe-text.js'

export type Coding = 'gzip' | 'deflate' | 'br'

const CODINGS: Record<string, Coding | 'identity'> = {
  identity: 'identity',
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br'
}

/**
 * The codings of a Content-Encoding header in the order the host applied them (identity left
 * out), or a final error for one this action cannot undo: saving still-encoded bytes under the
 * file's name is the mistake this module exists to prevent.
 */
export function parseContentEncoding(header: string | string[] | undefined): Coding[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  const codings: Coding[] = []
  for (const token of text.split(',')) {
    const name = token.trim().toLowerCase()
    if (name === '') continue
    const coding = CODINGS[name]
    if (!coding) {
      throw new TransferError(
        `file host sent the body with Content-Encoding "${oneLine(name, 40)}", which this action cannot decode`
      )
    }
    if (coding !== 'identity') codings.push(coding)
  }
  return codings
}

/**
 * Decoders for `codings`, in the order the body must pass through them (the last coding applied
 * is undone first). An empty list is an identity body.
 *
 * "deflate" is meant to be zlib-wrapped (RFC 9110), but some hosts send raw deflate and browsers
 * accept both; for the outermost coding the first two bytes of `body` tell which (a zlib header
 * is CM=8 and a multiple of 31), read ahead and put back.
 */
export async function decoders(codings: Coding[], body: Readable): Promise<Transform[]> {
  const chain: Transform[] = []
  if (codings.length === 0) return chain
  // Loaded on first use: most hosts send files as they are, and zlib costs ~4 ms of start-up.
  const { default: zlib } = await import('node:zlib')
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]
    if (coding === 'gzip') chain.push(zlib.createGunzip())
    else if (coding === 'br') chain.push(zlib.createBrotliDecompress())
    else if (i === codings.length - 1 && !isZlibHeader(await peek(body, 2))) {
      chain.push(zlib.createInflateRaw())
    } else chain.push(zlib.createInflate())
  }
  return chain
}

/** A body's decoders, and the first error any of them met: the body does not decode. */
export class Decoding {
  private readonly codings: Coding[]
  private error: Error | null = null

  constructor(codings: Coding[]) {
    this.codings = codings
  }

  /** The decoders for `body` (see decoders()), watched for errors. */
  async chain(body: Readable): Promise<Transform[]> {
    const chain = await decoders(this.codings, body)
    for (const decoder of chain) decoder.once('error', (e: Error) => (this.error ??= e))
    return chain
  }

  /** Why the body failed, when a decoder failed: a retryable error naming the codings; else null. */
  failure(): TransferError | null {
    if (this.error === null) return null
    return new TransferError(
      `could not decode the ${this.codings.join(', ')} body: ${oneLine(this.error.message, 100)}`,
      { retryable: true }
    )
  }
}

function isZlibHeader(head: Buffer): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0
}

/** The first `n` bytes of a stream (fewer if it ends first), left in place for whoever reads it next. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  while (size < n && !stream.readableEnded) {
    if (stream.destroyed) throw stream.errored ?? new Error('the body closed early')
    const chunk = stream.read() as Buffer | null
    if (chunk === null) await change(stream)
    else {
      chunks.push(chunk)
      size += chunk.length
    }
  }
  const head = Buffer.concat(chunks)
  if (head.length > 0) stream.unshift(head)
  return head
}

/** Resolves at the stream's next 'readable', 'end' or 'close'; rejects on 'error'. */
function change(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      for (const event of ['readable', 'end', 'close']) stream.off(event, ok)
      stream.off('error', settle)
      if (error) reject(error)
      else resolve()
    }
    const ok = (): void => settle()
    for (const event of ['readable', 'end', 'close']) stream.on(event, ok)
    stream.on('error', settle)
  })
}
