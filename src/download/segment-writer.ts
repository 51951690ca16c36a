// The temp file of a ranged assembly: each segment's bytes written at their own offsets, and the file read back for the hash.
import type { Hash } from 'node:crypto'
import { type FileHandle, open } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { TransferError } from '../errors.js'
import type { Segment, SegmentTable } from './segments.js'

const READ_BACK_BYTES = 1024 * 1024

/** The writer stopped at its segment's end: success, not a fault, though the stream is torn down. */
export class StopAtEnd extends Error {}

/** What the writer needs of the temp file's handle: writes at a position. */
export interface PositionalFile {
  writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }>
}

export interface SegmentWriterOptions {
  table: SegmentTable
  seg: Segment
  /** The one temp file every segment writes into. */
  handle: PositionalFile
  /** Sees the segment's bytes in order: the main stream's writer hashes as it goes, a part's does not. */
  hash: Hash | null
  /** Told of the bytes of every write once they are on disk. */
  onWritten: (bytes: number) => void
}

/**
 * Writes one segment at its offsets. Bytes past the segment's end are not written: the writer
 * stops there (StopAtEnd), or fails when the host sent more than it announced.
 */
export class SegmentWriter extends Writable {
  private readonly options: SegmentWriterOptions
  /** The write under way, if any: a destroyed stream does not wait for it (see settled()). */
  private pending: Promise<void> = Promise.resolve()

  constructor(options: SegmentWriterOptions) {
    super({ highWaterMark: 64 * 1024 })
    this.options = options
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void) {
    this.put([chunk], done)
  }

  override _writev(chunks: { chunk: Buffer }[], done: (e?: Error | null) => void): void {
    this.put(
      chunks.map(c => c.chunk),
      done
    )
  }

  /**
   * Resolves once the last write is on disk and the table knows it. A response that breaks
   * destroys the writer at once, with a write possibly still in the thread pool: its segment's
   * next try must start after it, or that write's late news would move the segment back.
   */
  settled(): Promise<void> {
    return this.pending
  }

  private put(buffers: Buffer[], done: (e?: Error | null) => void): void {
    const { table, seg, handle, hash, onWritten } = this.options
    let length = 0
    for (const buffer of buffers) length += buffer.length
    const claim = table.claim(seg, length)
    const pieces = claim.bytes === length ? buffers : before(buffers, claim.bytes)
    const write =
      claim.bytes > 0 ? writeFully(handle, pieces, claim.at, claim.bytes) : Promise.resolve()
    // Hashed while the thread pool writes: the pieces are this segment's next bytes either way,
    // and a failed write fails the whole download, hash and all.
    if (hash) for (const piece of pieces) hash.update(piece)
    const recorded = write.then(() => {
      table.written(seg, claim)
      if (claim.bytes > 0) onWritten(claim.bytes)
    })
    this.pending = recorded.catch(() => {})
    recorded.then(() => {
      if (claim.overrun) {
        done(new TransferError('file host sent more bytes than it announced', { retryable: true }))
      } else done(claim.stopping ? new StopAtEnd() : null)
    }, done)
  }
}

/**
 * Writes `bytes` bytes of `pieces` at `position`. Segments write at once into the one handle:
 * safe, as every write names its position (pwritev). A short write (a disk filling up) is followed
 * by a write of the rest, which then says why (ENOSPC, EDQUOT) in its error.
 */
export async function writeFully(
  handle: PositionalFile,
  pieces: Buffer[],
  position: number,
  bytes: number
): Promise<void> {
  let rest = pieces
  for (let at = position, left = bytes; ;) {
    const { bytesWritten } = await handle.writev(rest, at)
    if (bytesWritten === left) return
    if (bytesWritten === 0) {
      throw new TransferError(`could not write to the temp file: ${left} of ${bytes} bytes left`)
    }
    at += bytesWritten
    left -= bytesWritten
    rest = after(rest, bytesWritten)
  }
}

/**
 * Hashes bytes [from, to) of the temp file, read back once through one buffer, after checking it
 * is the file `handle` wrote and not something put in its place since. sha256 must see the bytes
 * in order: the main stream hashes what it writes as it goes (the whole file when nothing was
 * split); once every segment is complete, the rest of the file, from where the main stream
 * stopped, is hashed from disk. Memory stays flat in the file size either way.
 */
export async function hashBack(
  hash: Hash,
  handle: Pick<FileHandle, 'stat'>,
  tempPath: string,
  from: number,
  to: number
): Promise<void> {
  if (from >= to) return
  const reader = await open(tempPath, 'r')
  try {
    const [written, read] = await Promise.all([handle.stat(), reader.stat()])
    if (written.ino !== read.ino || written.dev !== read.dev) {
      throw new TransferError('the temp file was replaced while downloading')
    }
    const buffer = Buffer.allocUnsafe(READ_BACK_BYTES)
    for (let at = from; at < to;) {
      const { bytesRead } = await reader.read(buffer, 0, Math.min(buffer.length, to - at), at)
      if (bytesRead === 0) throw new TransferError('the temp file is shorter than written')
      hash.update(buffer.subarray(0, bytesRead))
      at += bytesRead
    }
  } finally {
    await reader.close()
  }
}

/** The first `bytes` bytes of the pieces. */
function before(pieces: Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = []
  let take = bytes
  for (const piece of pieces) {
    if (take <= 0) break
    out.push(take >= piece.length ? piece : piece.subarray(0, take))
    take -= piece.length
  }
  return out
}

/** The pieces without their first `bytes` bytes. */
function after(pieces: Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = []
  let skip = bytes
  for (const piece of pieces) {
    if (skip >= piece.length) skip -= piece.length
    else {
      out.push(skip > 0 ? piece.subarray(skip) : piece)
      skip = 0
    }
  }
  return out
}
