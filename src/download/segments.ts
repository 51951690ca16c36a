// The segment table of one file: which response fetches which bytes, and which are left; pure bookkeeping, no I/O, no timers.
import { TransferError } from '../errors.js'

/*
 * Segments
 * --------
 * The file is a list of segments, each a byte range [start, end) fetched by one response and
 * written at its own offsets into the one temp file. The main stream is the plain GET; its segment
 * starts as the whole file. The committed segments tile [0, size) at all times: no byte belongs to
 * two of them, none to no one.
 *
 * A split is only a proposal: the segment with the most to go is cut in half at
 * mid = reserved + (end - reserved) / 2, and the part [mid, end) is asked for on its own. Until the
 * part's answer is checked the old segment carries on untouched, so a part that cannot be had
 * costs nothing and no byte is fetched twice. Committing it makes mid the old segment's end, and
 * only succeeds while the old segment streams, has not changed its end, and has not reserved past
 * mid; otherwise the part is dropped. One proposal is open at a time, so two splits never claim
 * the same range.
 *
 * A committed part that failed for good hands its range back to the segment before it, if that
 * one still streams and its request covers the range (the main stream's always does); that
 * segment then writes the part's bytes again itself.
 */

interface Entry {
  readonly start: number
  /** Every byte before pos is on disk. */
  pos: number
  /** Bytes before reserved are on disk or being written. */
  reserved: number
  /** Where this segment stops; shrinks on a split, grows when it takes a failed part's range back. */
  end: number
  /** Its response was asked for the bytes before this (the file's size, or Infinity, for the main stream). */
  requestEnd: number
  /** No longer streaming (stopped, ended, failed or between attempts). */
  closed: boolean
  /** False while a part is only proposed. */
  committed: boolean
  /** The segment a part was split from. */
  readonly parent: Entry | null
}

/** A segment as the driver sees it: only the table changes one. */
export type Segment = Readonly<Entry>

/** What a segment takes of `length` bytes that came for it: claim() decides before the write. */
export interface Claim {
  /** Where the bytes go. */
  at: number
  /** How many of them belong to the segment (the rest lie past its end). */
  bytes: number
  /** The segment stops after these bytes: the rest of its response is not wanted. */
  stopping: boolean
  /** More came than its response was asked for: the host sent more than it announced. */
  overrun: boolean
}

/** A byte range [start, end). */
export interface Range {
  start: number
  end: number
}

export class SegmentTable {
  /** The main stream's segment. */
  readonly main: Segment
  /** The file's size, or null when unknown (then nothing is ever split). */
  readonly size: number | null
  private readonly entries: Entry[]
  private proposed: Entry | null = null

  constructor(size: number | null) {
    this.size = size
    const end = size ?? Infinity
    const main: Entry = {
      start: 0,
      pos: 0,
      reserved: 0,
      end,
      requestEnd: end,
      closed: false,
      committed: true,
      parent: null
    }
    this.main = main
    this.entries = [main]
  }

  /** Committed parts beside the main stream. */
  get parts(): number {
    return this.entries.length - 1
  }

  /** The part proposed and not yet committed or withdrawn. */
  get proposal(): Segment | null {
    return this.proposed
  }

  /** The committed segments in file order. */
  segments(): Segment[] {
    return [...this.entries].sort((a, b) => a.start - b.start)
  }

  /** The byte ranges not on disk yet, in file order. */
  left(): Range[] {
    return this.segments()
      .filter(s => s.pos < s.end)
      .map(s => ({ start: s.pos, end: s.end }))
  }

  /**
   * Proposes the upper half of the streaming segment with the most left, when that is at least
   * `threshold` bytes and no other proposal is open; null otherwise.
   */
  propose(threshold: number): Segment | null {
    if (this.proposed) return null
    let best: Entry | null = null
    for (const seg of this.entries) {
      if (seg.closed || seg.end === Infinity) continue
      if (!best || seg.end - seg.reserved > best.end - best.reserved) best = seg
    }
    if (!best || best.end - best.reserved < threshold) return null
    const mid = best.reserved + Math.floor((best.end - best.reserved) / 2)
    this.proposed = {
      start: mid,
      pos: mid,
      reserved: mid,
      end: best.end,
      requestEnd: best.end,
      closed: true,
      committed: false,
      parent: best
    }
    return this.proposed
  }

  /** The proposal is given up (or settled): another may be made. */
  withdraw(part: Segment): void {
    if (this.proposed === part) this.proposed = null
  }

  /** A proposal still fits: its old segment streams, has not changed its end, nor passed mid. */
  canCommit(part: Segment): boolean {
    const parent = part.parent
    return (
      !part.committed &&
      parent !== null &&
      !parent.closed &&
      parent.end === part.end &&
      parent.reserved <= part.start
    )
  }

  /** Makes the proposal a segment of the file: its old segment stops at mid. False when it no longer fits. */
  commit(part: Segment): boolean {
    if (!this.canCommit(part)) return false
    const entry = this.own(part)
    ;(entry.parent as Entry).end = entry.start
    entry.committed = true
    this.entries.push(entry)
    this.withdraw(part)
    return true
  }

  /** The segment's response streams, asked for the bytes before `requestEnd`. */
  open(seg: Segment, requestEnd = seg.requestEnd): void {
    const entry = this.own(seg)
    entry.requestEnd = requestEnd
    entry.closed = false
  }

  /**
   * The segment's response ended (done, stopped or failed). True when the open proposal was split
   * from it and is moot now: its answer need not be waited for.
   */
  close(seg: Segment): boolean {
    this.own(seg).closed = true
    return this.proposed?.parent === seg
  }

  /** Takes what belongs to `seg` of `length` bytes that came for it, before they are written. */
  claim(seg: Segment, length: number): Claim {
    const entry = this.own(seg)
    const room = entry.end - entry.pos
    const over = length > room
    const bytes = over ? room : length
    const at = entry.pos
    entry.reserved = at + bytes
    // Decided now, not after the write: a segment about to stop must not be given more to fetch.
    const overrun = over && entry.end >= entry.requestEnd
    const stopping = over || (entry.reserved >= entry.end && entry.end < entry.requestEnd)
    if (stopping) entry.closed = true
    return { at, bytes, stopping, overrun }
  }

  /** The claimed bytes are on disk. */
  written(seg: Segment, claim: Claim): void {
    this.own(seg).pos = claim.at + claim.bytes
  }

  /** Gives a failed part's range back to the segment before it, if that one can still fetch it. */
  takeBack(part: Segment): boolean {
    const index = this.entries.indexOf(this.own(part))
    if (index <= 0) return false
    const before = this.entries.find(s => s !== part && s.end === part.start && !s.closed)
    if (!before || before.requestEnd < part.end) return false
    before.end = part.end
    this.entries.splice(index, 1)
    return true
  }

  /** The file is whole: segments tile it exactly, each complete. Returns its size. */
  complete(): number {
    if (this.size === null) return this.main.pos
    let at = 0
    for (const seg of this.segments()) {
      if (seg.start !== at || seg.pos !== seg.end) {
        throw new TransferError(
          `download incomplete: bytes from ${Math.min(at, seg.pos)} are missing`,
          { retryable: true }
        )
      }
      at = seg.end
    }
    if (at !== this.size) {
      throw new TransferError(`download incomplete: got ${at} of ${this.size} bytes`, {
        retryable: true
      })
    }
    return at
  }

  /** The table's own entry behind a segment it handed out. */
  private own(seg: Segment): Entry {
    return seg as Entry
  }
}
