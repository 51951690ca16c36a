// Assembles one file in its temp file: the main stream, plus Range parts over idle connections when a big file is the run's tail.
import { createHash } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { type FileHandle, open } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as delay } from 'node:timers/promises'
import { TransferError } from '../errors.js'
import { streamed } from '../util/memory.js'
import { oneLine } from '../util/safe-text.js'
import { type Coding, decoders } from './decode.js'
import { type Http, Watchdog } from '../util/http.js'
import { RangeIgnored, checkPartAnswer, maySplit, partFailure } from './part-answer.js'

/*
 * How a file is assembled
 * -----------------------
 * The file is a list of segments, each a byte range [start, end) fetched by one response and
 * written at its own offsets into the one temp file (positional writes, so nothing is held beyond
 * a stream's own buffers). The main stream is the plain GET; its segment starts as the whole file.
 *
 * Splitting. Every SPLIT_CHECK_BYTES written and every SPLIT_CHECK_MS, when the pipeline's pool
 * hands out an idle slot (spare.take()) and a segment still has at least the threshold to go, the
 * segment with the most to go is split in half: a part asks for the upper half with
 * `Range: bytes=mid-last` on the same signed URL (R2/S3 presigned URLs sign only the host, so the
 * header keeps them valid), with `If-Range` carrying the main answer's strong ETag so that a
 * changed object answers 200. The split is only a proposal until the part's answer is a 206 with
 * exactly that Content-Range and that same ETag: then, if the old segment has not written up to mid yet, its end
 * becomes mid and it stops there (a response asked for more is destroyed); if it has, the part is
 * dropped. Until the commit the old segment carries on untouched, so a part that cannot be had
 * (refused, 5xx, no answer; PART_ATTEMPTS tries) costs nothing and no byte is fetched twice. One
 * proposal is open at a time, so two splits never claim the same range.
 *
 * Only against a strong validator. Bytes of two versions of an object must never be joined, and
 * only a strong ETag, sent as If-Range and required back on every part, proves a part comes from
 * the object the main stream is reading: a file whose first answer has none (no ETag, a weak one,
 * Last-Modified alone) is never split.
 *
 * Fallback to one stream. A 200 to a ranged request means the host ignores Range (or the object
 * changed); a 206 without the ETag, or with another, means the host ignores If-Range or the object
 * changed. Either way the part is dropped, no more splits are tried, the main stream carries on
 * (a committed part hands its range back to the stream before it, or the download fails and starts
 * over whole). Nothing is split when the body has a Content-Encoding (ranges would count encoded
 * bytes), no Content-Length, or `Accept-Ranges: none`.
 *
 * A committed part that breaks mid-body asks again for what it still lacks. When its attempts are
 * spent, the segment before it takes its range back if it is still streaming and its request
 * covers it (the main stream's always does); otherwise the download fails as a whole, retryably.
 *
 * The hash. sha256 must see the bytes in order. The main stream hashes what it writes as it goes
 * (the whole file when nothing was split); once every segment is complete and the layout checked,
 * the rest of the file, from where the main stream stopped, is hashed by reading it back from the
 * temp file once, through one 1 MiB buffer. Memory stays flat in the file size either way.
 */

/** Only a segment with at least this much left to fetch is worth a second connection. */
export const SPLIT_THRESHOLD_BYTES = 8 * 1024 * 1024
/** How often a download looks for an idle slot to borrow: by bytes written, and by time. */
export const SPLIT_CHECK_BYTES = 256 * 1024
export const SPLIT_CHECK_MS = 250
/** Tries per part, a proposal or a committed part alike. */
export const PART_ATTEMPTS = 3
const PART_RETRY_MS = 250
const READ_BACK_BYTES = 1024 * 1024

/** Idle file slots lent by the pipeline: a release function, or null when none is idle. */
export interface Spare {
  take(): (() => void) | null
}

export interface AssemblyOptions {
  http: Http
  /** The URL that answered the main GET (after redirects): parts ask it directly. */
  url: string
  /** Names the host in error messages, without the URL's query. */
  what: string
  handle: FileHandle
  tempPath: string
  timeoutMs: number
  /**
   * The file's one abort controller: the caller aborts it on cancellation, the assembly when one
   * piece fails for good; every request of the file listens to its signal.
   */
  stop: AbortController
  /** Content-Encoding of the main answer, in the order applied. */
  codings: Coding[]
  /** Content-Length of the main answer (the bytes on the wire). */
  wireLength: number | null
  /** Size of the file on disk when known in advance (identity bodies with a length). */
  size: number | null
  /** The main answer's strong ETag, if any: parts must come from the same object, so none, no split. */
  etag: string | null
  /** The host did not say `Accept-Ranges: none`. */
  acceptRanges: boolean
  spare?: Spare
  splitThresholdBytes: number
  /** Told of the bytes written so far, after every write. */
  onBytes: (written: number) => void
  /** Told when a part failed (cut, refused, another version): a later attempt should not split. */
  onPartFailed?: () => void
}

export interface Assembled {
  bytes: number
  sha256: string
  /** Range parts that carried part of the file (0: one stream). */
  parts: number
}

interface Segment {
  start: number
  /** Every byte before pos is on disk. */
  pos: number
  /** Bytes before reserved are on disk or being written. */
  reserved: number
  /** Where this segment stops; shrinks on a split, grows when it takes a failed part's range back. */
  end: number
  /** Its response was asked for the bytes before this (Infinity for the main stream). */
  requestEnd: number
  /** No longer streaming (stopped, ended, failed or between attempts). */
  closed: boolean
  /** False while a part is only proposed. */
  committed: boolean
  /** The segment a part was split from. */
  parent: Segment | null
  /** Ends a proposal's request once it can no longer be committed. */
  drop?: AbortController
}

/** The writer stopped at its segment's end: success, not a fault, though the stream is torn down. */
class StopAtEnd extends Error {}
/** A proposed part came after the old segment had passed its start. */
class Obsolete extends Error {}

export class Assembly {
  private readonly o: AssemblyOptions
  private readonly hash = createHash('sha256')
  private readonly main: Segment
  private readonly segments: Segment[]
  private readonly tasks = new Set<Promise<void>>()
  /** Aborted on cancellation or when one piece fails for good: every other request stops. */
  private readonly stop: AbortController
  private readonly signal: AbortSignal
  private proposal: Segment | null = null
  /** False once splitting is pointless or refused (Range ignored): one stream from then on. */
  private splittable: boolean
  private failure: unknown = null
  private written = 0
  private sinceCheck = 0
  private parts = 0

  constructor(options: AssemblyOptions) {
    this.o = options
    this.stop = options.stop
    this.signal = options.stop.signal
    // A listener per request on this signal: the main stream and every part at once.
    setMaxListeners(0, this.signal)
    const end = options.size ?? Infinity
    this.main = {
      start: 0,
      pos: 0,
      reserved: 0,
      end,
      requestEnd: end,
      closed: false,
      committed: true,
      parent: null
    }
    this.segments = [this.main]
    this.splittable = options.spare !== undefined && maySplit(options, options.splitThresholdBytes)
  }

  /** Streams `message` (the checked main answer) and any parts; the file is complete when this resolves. */
  async run(message: IncomingMessage): Promise<Assembled> {
    const timer = this.splittable
      ? setInterval(() => this.maybeSplit(), SPLIT_CHECK_MS).unref()
      : undefined
    // The main answer was requested before this assembly existed: a failure elsewhere ends it too.
    const end = (): void => void message.destroy()
    this.signal.addEventListener('abort', end, { once: true })
    try {
      await this.runMain(message).catch((error: unknown) => this.fail(error))
      // Parts may still be split off parts while others finish: wait until none is left.
      while (this.tasks.size > 0) await Promise.all([...this.tasks])
    } finally {
      clearInterval(timer)
      this.signal.removeEventListener('abort', end)
    }
    if (this.failure !== null) throw this.failure
    const size = this.checkLayout()
    await this.readBack(this.main.pos, size)
    return { bytes: size, sha256: this.hash.digest('hex'), parts: this.parts }
  }

  /** Counts bytes written; every SPLIT_CHECK_BYTES, looks for a slot to borrow. */
  wrote(bytes: number): void {
    this.written += bytes
    streamed(bytes)
    this.o.onBytes(this.written)
    this.sinceCheck += bytes
    if (this.sinceCheck >= SPLIT_CHECK_BYTES) {
      this.sinceCheck = 0
      this.maybeSplit()
    }
  }

  /**
   * Segments write at once into the one handle: safe, as every write names its position (pwritev).
   * A short write (a disk filling up) is followed by a write of the rest, which then says why
   * (ENOSPC, EDQUOT) in its error.
   */
  async writeAt(pieces: Buffer[], position: number, bytes: number): Promise<void> {
    let rest = pieces
    for (let at = position, left = bytes; ;) {
      const { bytesWritten } = await this.o.handle.writev(rest, at)
      if (bytesWritten === left) return
      if (bytesWritten === 0) {
        throw new TransferError(`could not write to the temp file: ${left} of ${bytes} bytes left`)
      }
      at += bytesWritten
      left -= bytesWritten
      rest = after(rest, bytesWritten)
    }
  }

  private async runMain(message: IncomingMessage): Promise<void> {
    const { codings } = this.o
    const seg = this.main
    const watchdog = this.watch(message)
    let wire = 0
    let decodeError: Error | null = null
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        watchdog.touch(chunk.length)
        wire += chunk.length
        done(null, chunk)
      }
    })
    let stopped: boolean
    try {
      const chain = await decoders(codings, message)
      for (const decoder of chain) decoder.once('error', (e: Error) => (decodeError ??= e))
      stopped = await this.stream([message, count, ...chain], seg, true)
    } catch (error) {
      if (decodeError !== null && !this.signal.aborted) {
        throw new TransferError(
          `could not decode the ${codings.join(', ')} body: ${oneLine((decodeError as Error).message, 100)}`,
          { retryable: true }
        )
      }
      throw error
    } finally {
      watchdog.stop()
    }
    if (stopped) return
    this.checkMain(message, wire)
  }

  /** The main stream ended: node ends a body quietly when the peer closes cleanly too early, the counts are the proof. */
  private checkMain(message: IncomingMessage, wire: number): void {
    const { codings, wireLength, size } = this.o
    const seg = this.main
    const short =
      !message.complete ||
      (wireLength !== null && wire !== wireLength) ||
      (seg.end !== Infinity && seg.pos !== seg.end)
    if (short) {
      const of = codings.length > 0 ? wireLength : size
      const got = codings.length > 0 ? wire : seg.pos
      const kind = codings.length > 0 ? ' encoded' : ''
      throw new TransferError(
        `download cut short: got ${got} of ${of ?? 'an unknown number of'}${kind} bytes`,
        { retryable: true }
      )
    }
  }

  /** Pipes into the segment's writer; true when the writer stopped at the segment's end. */
  private async stream(
    streams: (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[],
    seg: Segment,
    hashIt: boolean
  ): Promise<boolean> {
    seg.closed = false
    try {
      await pipeline([...streams, new SegmentWriter(this, seg, hashIt ? this.hash : null)])
      return false
    } catch (error) {
      if (error instanceof StopAtEnd) return true
      throw error
    } finally {
      seg.closed = true
      // A proposal to share this segment's rest is moot now: no need to wait for its answer.
      if (this.proposal?.parent === seg) this.proposal.drop?.abort()
    }
  }

  private watch(message: IncomingMessage): Watchdog {
    return new Watchdog(this.o.timeoutMs, reason =>
      message.destroy(new TransferError(`download stalled: ${reason}`, { retryable: true }))
    )
  }

  /** Proposes a part when a slot is idle and some segment has enough left to share. */
  private maybeSplit(): void {
    if (!this.splittable || this.proposal || this.failure !== null || this.signal.aborted) return
    let best: Segment | null = null
    for (const seg of this.segments) {
      if (seg.closed || seg.end === Infinity) continue
      if (!best || seg.end - seg.reserved > best.end - best.reserved) best = seg
    }
    if (!best || best.end - best.reserved < this.o.splitThresholdBytes) return
    const release = this.o.spare?.take()
    if (!release) return
    const mid = best.reserved + Math.floor((best.end - best.reserved) / 2)
    const part: Segment = {
      start: mid,
      pos: mid,
      reserved: mid,
      end: best.end,
      requestEnd: best.end,
      closed: true,
      committed: false,
      parent: best
    }
    this.proposal = part
    const task: Promise<void> = this.runPart(part, release)
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.tasks.delete(task))
    this.tasks.add(task)
  }

  /** A part's attempts; never rejects (a failure for good is recorded by fail()). */
  private async runPart(part: Segment, release: () => void): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.fetchPart(part)
          return
        } catch (error) {
          // Cancelled, or failed elsewhere (the cause is recorded there), or moot.
          if (this.signal.aborted || part.drop?.signal.aborted || error instanceof Obsolete) return
          this.o.onPartFailed?.()
          const ignored = error instanceof RangeIgnored
          if (ignored) this.splittable = false
          const refused = error instanceof TransferError && error.refreshUrl
          if (!part.committed) {
            // The old segment never stopped: giving up loses nothing.
            if (ignored || refused || attempt >= PART_ATTEMPTS) return
          } else if (ignored || refused || attempt >= PART_ATTEMPTS) {
            // Another version (or a host that ignores If-Range) cannot finish it: asking again is moot.
            if (!this.takeBack(part)) this.fail(ignored ? changed(this.o.what) : error)
            return
          }
        }
        await delay(PART_RETRY_MS * attempt, undefined, { signal: this.signal }).catch(() => {})
      }
    } finally {
      if (this.proposal === part) this.proposal = null
      release()
    }
  }

  private async fetchPart(part: Segment): Promise<void> {
    if (!part.committed && !this.canCommit(part)) throw new Obsolete()
    if (part.pos >= part.end) return
    const { size } = this.o
    // Never null here: a file without a strong ETag is not splittable.
    const etag = this.o.etag as string
    const from = part.pos
    const last = part.end - 1
    const what = `${this.o.what} (bytes ${from}-${last})`
    part.drop = new AbortController()
    const message = await this.o.http.request({
      method: 'GET',
      url: this.o.url,
      what,
      headers: { 'accept-encoding': 'identity', range: `bytes=${from}-${last}`, 'if-range': etag },
      signal: part.committed ? this.signal : AbortSignal.any([this.signal, part.drop.signal])
    })
    try {
      const verdict = checkPartAnswer(message, { from, last, size, etag })
      if (verdict === 'refused') this.splittable = false
      if (verdict !== 'ok') throw partFailure(verdict, message.statusCode ?? 0, what)
      if (!part.committed && !this.commit(part)) throw new Obsolete()
    } catch (error) {
      message.destroy()
      throw error
    }
    part.requestEnd = last + 1
    const watchdog = this.watch(message)
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        watchdog.touch(chunk.length)
        done(null, chunk)
      }
    })
    let stopped: boolean
    try {
      stopped = await this.stream([message, count], part, false)
    } finally {
      watchdog.stop()
    }
    if (!stopped && part.pos < part.end) {
      throw new TransferError(`${what}: cut short at byte ${part.pos}`, { retryable: true })
    }
  }

  /** A proposal still fits: its old segment streams, has not changed its end, nor passed mid. */
  private canCommit(part: Segment): boolean {
    const parent = part.parent
    return (
      parent !== null &&
      !parent.closed &&
      parent.end === part.end &&
      parent.reserved <= part.start &&
      this.failure === null
    )
  }

  private commit(part: Segment): boolean {
    if (!this.canCommit(part) || !part.parent) return false
    part.parent.end = part.start
    part.committed = true
    this.segments.push(part)
    this.proposal = null
    this.parts += 1
    return true
  }

  /** Gives a failed part's range back to the segment before it, if that one can still fetch it. */
  private takeBack(part: Segment): boolean {
    const before = this.segments.find(s => s !== part && s.end === part.start && !s.closed)
    if (!before || before.requestEnd < part.end) return false
    before.end = part.end
    this.segments.splice(this.segments.indexOf(part), 1)
    this.parts -= 1
    return true
  }

  private fail(error: unknown): void {
    if (this.failure !== null) return
    this.failure = error
    this.stop.abort()
  }

  /** Segments must tile the file exactly, each complete; returns the file's size. */
  private checkLayout(): number {
    if (this.o.size === null) return this.main.pos
    const tiles = [...this.segments].sort((a, b) => a.start - b.start)
    let at = 0
    for (const seg of tiles) {
      if (seg.start !== at || seg.pos !== seg.end) {
        throw new TransferError(
          `download incomplete: bytes from ${Math.min(at, seg.pos)} are missing`,
          { retryable: true }
        )
      }
      at = seg.end
    }
    if (at !== this.o.size) {
      throw new TransferError(`download incomplete: got ${at} of ${this.o.size} bytes`, {
        retryable: true
      })
    }
    return at
  }

  /** Hashes bytes [from, to) of the temp file, read back through one buffer. */
  private async readBack(from: number, to: number): Promise<void> {
    if (from >= to) return
    const reader = await open(this.o.tempPath, 'r')
    try {
      // The same file we wrote, not something put in its place since.
      const [written, read] = await Promise.all([this.o.handle.stat(), reader.stat()])
      if (written.ino !== read.ino || written.dev !== read.dev) {
        throw new TransferError('the temp file was replaced while downloading')
      }
      const buffer = Buffer.allocUnsafe(READ_BACK_BYTES)
      for (let at = from; at < to;) {
        const { bytesRead } = await reader.read(buffer, 0, Math.min(buffer.length, to - at), at)
        if (bytesRead === 0) throw new TransferError('the temp file is shorter than written')
        this.hash.update(buffer.subarray(0, bytesRead))
        at += bytesRead
      }
    } finally {
      await reader.close()
    }
  }
}

/**
 * Writes one segment at its offsets. Bytes past the segment's end are not written: the writer
 * stops there (StopAtEnd), or fails when the host sent more than it announced.
 */
class SegmentWriter extends Writable {
  private readonly assembly: Assembly
  private readonly seg: Segment
  private readonly hash: ReturnType<typeof createHash> | null

  constructor(assembly: Assembly, seg: Segment, hash: ReturnType<typeof createHash> | null) {
    super({ highWaterMark: 64 * 1024 })
    this.assembly = assembly
    this.seg = seg
    this.hash = hash
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

  private put(buffers: Buffer[], done: (e?: Error | null) => void): void {
    const seg = this.seg
    let room = seg.end - seg.pos
    let over = false
    const pieces: Buffer[] = []
    let bytes = 0
    for (const buffer of buffers) {
      if (buffer.length > room) {
        if (room > 0) pieces.push(buffer.subarray(0, room))
        bytes += room
        over = true
        break
      }
      pieces.push(buffer)
      room -= buffer.length
      bytes += buffer.length
    }
    const at = seg.pos
    seg.reserved = at + bytes
    // Decided now, not after the write: a segment about to stop must not be given more to fetch.
    const overrun = over && seg.end >= seg.requestEnd
    const stopping = over || (seg.reserved >= seg.end && seg.end < seg.requestEnd)
    if (stopping) seg.closed = true
    const write = bytes > 0 ? this.assembly.writeAt(pieces, at, bytes) : Promise.resolve()
    // Hashed while the thread pool writes: the pieces are this segment's next bytes either way,
    // and a failed write fails the whole download, hash and all.
    if (this.hash) for (const piece of pieces) this.hash.update(piece)
    write.then(() => {
      seg.pos = at + bytes
      if (bytes > 0) this.assembly.wrote(bytes)
      if (overrun) {
        done(new TransferError('file host sent more bytes than it announced', { retryable: true }))
      } else done(stopping ? new StopAtEnd() : null)
    }, done)
  }
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

/** A part could not be had from the object the main stream reads, and nothing else can fetch its bytes. */
function changed(what: string): TransferError {
  return new TransferError(
    `${what} answered a Range part from another version of the file (or without its ETag): the file is fetched again whole`,
    { retryable: true }
  )
}
