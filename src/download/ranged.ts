// Assembles one file in its temp file: the main stream, plus Range parts over idle connections when a big file is the run's tail.
import { createHash } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { FileHandle } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import type { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TransferError } from '../errors.js'
import type { Clock } from '../util/clock.js'
import { type Http, Watchdog, WatchdogMeter } from '../util/http.js'
import { streamed } from '../util/memory.js'
import { Decoding } from './decode.js'
import { type SplitFacts, cutShort, maySplit } from './main-answer.js'
import { RangeIgnored, checkPartAnswer, partFailure, versionChanged } from './part-answer.js'
import { SegmentWriter, StopAtEnd, hashBack } from './segment-writer.js'
import { type Segment, SegmentTable } from './segments.js'

/*
 * How a file is assembled
 * -----------------------
 * The file is a table of segments (segments.ts), each a byte range fetched by one response and
 * written at its own offsets into the one temp file (segment-writer.ts). The main stream is the
 * plain GET.
 *
 * Splitting. Every SPLIT_CHECK_BYTES written and every SPLIT_CHECK_MS, when the pipeline's pool
 * hands out an idle slot (spare.take()) and a segment still has at least the threshold to go, the
 * table proposes a split: a part asks for the upper half with `Range: bytes=mid-last` on the same
 * signed URL (R2/S3 presigned URLs sign only the host, so the header keeps them valid) and
 * If-Range. It is committed only when its answer is exactly that range from that same object
 * (part-answer.ts); a part that cannot be had (refused, 5xx, no answer; PART_ATTEMPTS tries)
 * costs nothing. A file whose main answer does not allow it is never split (main-answer.ts).
 *
 * Fallback to one stream. A part answered with the whole object or from another version ends the
 * splitting, and so does a refused one (a download that needs its range after all asks for a
 * fresh URL); the main stream carries on. Every failed part is told to onPartFailed, so later
 * attempts of the file are one stream.
 *
 * A committed part that breaks mid-body asks again for what it still lacks. When its attempts are
 * spent (or its object changed), the segment before it takes its range back if it can; otherwise
 * the download fails as a whole, retryably. The main stream hashes as it writes; what parts
 * wrote is read back once all is on disk (hashBack).
 */

/** Only a segment with at least this much left to fetch is worth a second connection. */
export const SPLIT_THRESHOLD_BYTES = 8 * 1024 * 1024
/** How often a download looks for an idle slot to borrow: by bytes written, and by time. */
export const SPLIT_CHECK_BYTES = 256 * 1024
export const SPLIT_CHECK_MS = 250
/** Tries per part, a proposal or a committed part alike. */
export const PART_ATTEMPTS = 3
/** The wait before a part's next try, times the tries so far. */
export const PART_RETRY_MS = 250

/** Idle file slots lent by the pipeline: a release function, or null when none is idle. */
export interface Spare {
  take(): (() => void) | null
}

export interface AssemblyOptions extends SplitFacts {
  http: Http
  /** The URL that answered the main GET (after redirects): parts ask it directly. */
  url: string
  /** Names the host in error messages, without the URL's query. */
  what: string
  handle: FileHandle
  tempPath: string
  timeoutMs: number
  /** The file's one abort controller, for all its requests: aborted on cancellation, or by a failure for good. */
  stop: AbortController
  spare?: Spare
  splitThresholdBytes: number
  /** Waits between a part's tries. */
  clock: Pick<Clock, 'sleep'>
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

/** A proposed part came after the old segment had passed its start. */
class Obsolete extends Error {}

export class Assembly {
  private readonly options: AssemblyOptions
  private readonly hash = createHash('sha256')
  private readonly table: SegmentTable
  private readonly tasks = new Set<Promise<void>>()
  /** Aborted on cancellation or when one piece fails for good: every other request stops. */
  private readonly signal: AbortSignal
  /** Ends the open proposal's request once it can no longer be committed. */
  private dropProposal = new AbortController()
  /** False once splitting is pointless or refused (Range ignored): one stream from then on. */
  private splittable: boolean
  private failure: unknown = null
  private written = 0
  private sinceCheck = 0

  constructor(options: AssemblyOptions) {
    this.options = options
    this.signal = options.stop.signal
    // A listener per request on this signal: the main stream and every part at once.
    setMaxListeners(0, this.signal)
    this.table = new SegmentTable(options.size)
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
    const size = this.table.complete()
    const { handle, tempPath } = this.options
    await hashBack(this.hash, handle, tempPath, this.table.main.pos, size)
    return { bytes: size, sha256: this.hash.digest('hex'), parts: this.table.parts }
  }

  /** Counts bytes written; every SPLIT_CHECK_BYTES, looks for a slot to borrow. */
  private wrote(bytes: number): void {
    this.written += bytes
    streamed(bytes)
    this.options.onBytes(this.written)
    this.sinceCheck += bytes
    if (this.sinceCheck >= SPLIT_CHECK_BYTES) {
      this.sinceCheck = 0
      this.maybeSplit()
    }
  }

  private async runMain(message: IncomingMessage): Promise<void> {
    const decoding = new Decoding(this.options.codings)
    let body: { stopped: boolean; wire: number }
    try {
      body = await this.streamBody(message, this.table.main, () => decoding.chain(message))
    } catch (error) {
      const undecodable = decoding.failure()
      throw undecodable !== null && !this.signal.aborted ? undecodable : error
    }
    if (body.stopped) return
    const { pos, end } = this.table.main
    const short = cutShort(this.options, { complete: message.complete, wire: body.wire, pos, end })
    if (short) throw short
  }

  /**
   * Streams a checked answer's body into its segment's writer under a Watchdog, through the
   * decoders `decode` makes (the Watchdog already runs while they look at the body's first bytes).
   * `stopped`: the writer stopped at the segment's end; `wire`: the bytes that came.
   */
  private async streamBody(
    message: IncomingMessage,
    seg: Segment,
    decode?: () => Promise<Transform[]>
  ): Promise<{ stopped: boolean; wire: number }> {
    const watchdog = new Watchdog(this.options.timeoutMs, reason =>
      message.destroy(new TransferError(`download stalled: ${reason}`, { retryable: true }))
    )
    const meter = new WatchdogMeter(watchdog)
    const writer = new SegmentWriter({
      table: this.table,
      seg,
      handle: this.options.handle,
      hash: seg === this.table.main ? this.hash : null,
      onWritten: bytes => this.wrote(bytes)
    })
    try {
      const chain = decode ? await decode() : []
      await pipeline([message, meter, ...chain, writer])
      return { stopped: false, wire: meter.bytes }
    } catch (error) {
      if (error instanceof StopAtEnd) return { stopped: true, wire: meter.bytes }
      throw error
    } finally {
      watchdog.stop()
      // A proposal to share this segment's rest is moot now: no need to wait for its answer.
      if (this.table.close(seg)) this.dropProposal.abort()
      // Closed first, so nothing is split off or handed back to a segment that no longer streams;
      // its next try waits for the last write, whose news would otherwise move it back.
      await writer.settled()
    }
  }

  /** Proposes a part when a slot is idle and some segment has enough left to share. */
  private maybeSplit(): void {
    if (!this.splittable || this.failure !== null || this.signal.aborted) return
    const part = this.table.propose(this.options.splitThresholdBytes)
    if (!part) return
    const release = this.options.spare?.take()
    if (!release) return this.table.withdraw(part)
    this.dropProposal = new AbortController()
    const task: Promise<void> = this.runPart(part, this.dropProposal.signal, release)
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.tasks.delete(task))
    this.tasks.add(task)
  }

  /** A part's attempts; never rejects (a failure for good is recorded by fail()). */
  private async runPart(part: Segment, drop: AbortSignal, release: () => void): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.fetchPart(part, drop)
          return
        } catch (error) {
          if (this.givesUp(part, drop, error, attempt)) return
        }
        await this.options.clock.sleep(PART_RETRY_MS * attempt, this.signal).catch(() => {})
      }
    } finally {
      this.table.withdraw(part)
      release()
    }
  }

  /** Whether a part stops trying after `error`; a committed part that stops gives its range back. */
  private givesUp(part: Segment, drop: AbortSignal, error: unknown, attempt: number): boolean {
    // Cancelled, or failed elsewhere (the cause is recorded there), or moot.
    if (this.signal.aborted || drop.aborted || error instanceof Obsolete) return true
    this.options.onPartFailed?.()
    const ignored = error instanceof RangeIgnored
    if (ignored) this.splittable = false
    const refused = error instanceof TransferError && error.refreshUrl
    if (!ignored && !refused && attempt < PART_ATTEMPTS) return false
    // A proposal: the old segment never stopped, giving up loses nothing. A committed part:
    // another version (or a host that ignores If-Range) cannot finish it, asking again is moot.
    if (part.committed && !this.table.takeBack(part)) {
      this.fail(ignored ? versionChanged(this.options.what) : error)
    }
    return true
  }

  /** One try of a part: asks for what it still lacks and streams it into place. */
  private async fetchPart(part: Segment, drop: AbortSignal): Promise<void> {
    if (!part.committed && !this.canCommit(part)) throw new Obsolete()
    if (part.pos >= part.end) return
    const from = part.pos
    const last = part.end - 1
    const what = `${this.options.what} (bytes ${from}-${last})`
    const message = await this.askPart(part, { from, last, what }, drop)
    this.table.open(part, last + 1)
    const { stopped } = await this.streamBody(message, part)
    if (!stopped && part.pos < part.end) {
      throw new TransferError(`${what}: cut short at byte ${part.pos}`, { retryable: true })
    }
  }

  /** Requests a part's range; returns the answer once it is proven the range (a proposal then committed). */
  private async askPart(
    part: Segment,
    { from, last, what }: { from: number; last: number; what: string },
    drop: AbortSignal
  ): Promise<IncomingMessage> {
    // Never null here: a file without a strong ETag is not splittable.
    const etag = this.options.etag as string
    const message = await this.options.http.request({
      method: 'GET',
      url: this.options.url,
      what,
      headers: { 'accept-encoding': 'identity', range: `bytes=${from}-${last}`, 'if-range': etag },
      signal: part.committed ? this.signal : AbortSignal.any([this.signal, drop])
    })
    try {
      const verdict = checkPartAnswer(message, { from, last, size: this.options.size, etag })
      // More splits would be refused alike.
      if (verdict === 'refused') this.splittable = false
      if (verdict !== 'ok') throw partFailure(verdict, message.statusCode ?? 0, what)
      if (!part.committed && !(this.canCommit(part) && this.table.commit(part))) {
        throw new Obsolete()
      }
    } catch (error) {
      message.destroy()
      throw error
    }
    return message
  }

  /** A proposal still fits its old segment, and nothing failed meanwhile. */
  private canCommit(part: Segment): boolean {
    return this.failure === null && this.table.canCommit(part)
  }

  private fail(error: unknown): void {
    if (this.failure !== null) return
    this.failure = error
    this.options.stop.abort()
  }
}
