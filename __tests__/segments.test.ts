import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { type Claim, type Segment, SegmentTable } from '../src/download/segments.js'

/** Writes `bytes` that came for `seg` as the segment writer does: claim, then on disk. */
function write(table: SegmentTable, seg: Segment, bytes: number) {
  const claim = table.claim(seg, bytes)
  table.written(seg, claim)
  return claim
}

/** A table of `size` whose main stream has written `written` bytes and has a committed part. */
function splitOnce(size: number, written: number): { table: SegmentTable; part: Segment } {
  const table = new SegmentTable(size)
  write(table, table.main, written)
  const part = table.propose(1) as Segment
  expect(table.commit(part)).toBe(true)
  table.open(part, part.end)
  return { table, part }
}

describe('SegmentTable', () => {
  it('starts as one segment, the main stream’s, over the whole file', () => {
    const table = new SegmentTable(100)
    expect(table.left()).toEqual([{ start: 0, end: 100 }])
    expect(table.parts).toBe(0)
    expect(table.main).toMatchObject({ start: 0, end: 100, requestEnd: 100 })
  })

  it('proposes the upper half of what the main stream has not reserved yet', () => {
    const table = new SegmentTable(100)
    write(table, table.main, 10)
    expect(table.propose(45)).toMatchObject({ start: 55, end: 100, committed: false })
    expect(table.proposal?.parent).toBe(table.main)
  })

  it('proposes nothing under the threshold, for a file of unknown size, or while a proposal is open', () => {
    const table = new SegmentTable(100)
    write(table, table.main, 10)
    expect(table.propose(91)).toBeNull()
    expect(new SegmentTable(null).propose(1)).toBeNull()
    const first = table.propose(90) as Segment
    expect(table.propose(1)).toBeNull()
    table.withdraw(first)
    expect(table.propose(1)).toMatchObject({ start: 55 })
  })

  it('proposes from the streaming segment with the most left, never from a closed one', () => {
    const { table, part } = splitOnce(100, 10)
    // main [10, 55) has 45 left, the part [55, 100) 40 after its first 5.
    write(table, part, 5)
    expect(table.propose(1)).toMatchObject({ start: 32, end: 55 })
    table.withdraw(table.proposal as Segment)
    table.close(table.main)
    expect(table.propose(1)).toMatchObject({ start: 80, end: 100 })
  })

  it('a commit stops the old segment at mid and makes the part a segment of its own', () => {
    const { table, part } = splitOnce(100, 10)
    expect(table.main.end).toBe(55)
    expect(table.main.requestEnd).toBe(100)
    expect(table.parts).toBe(1)
    expect(table.proposal).toBeNull()
    expect(table.left()).toEqual([
      { start: 10, end: 55 },
      { start: 55, end: 100 }
    ])
    expect(part).toMatchObject({ committed: true, requestEnd: 100 })
  })

  it.each([
    ['its old segment reserved past mid', (t: SegmentTable) => void write(t, t.main, 50)],
    ['its old segment closed', (t: SegmentTable) => void t.close(t.main)],
    [
      'its old segment changed its end (another split came first)',
      (t: SegmentTable) => {
        const other = t.propose(1) as Segment
        t.commit(other)
      }
    ]
  ])('a proposal is not committed once %s', (_, meanwhile) => {
    const table = new SegmentTable(100)
    write(table, table.main, 10)
    const part = table.propose(1) as Segment
    table.withdraw(part)
    meanwhile(table)
    expect(table.canCommit(part)).toBe(false)
    expect(table.commit(part)).toBe(false)
    expect(table.segments()).not.toContain(part)
  })

  it('tells when closing a segment makes the open proposal moot', () => {
    const table = new SegmentTable(100)
    table.propose(1)
    expect(table.close(table.main)).toBe(true)
    const { table: other, part } = splitOnce(100, 10)
    other.propose(1)
    expect(other.close(part)).toBe(false)
  })

  it('a segment takes bytes up to its end, and stops there when its response was asked for more', () => {
    const { table } = splitOnce(100, 10)
    expect(table.claim(table.main, 60)).toEqual({
      at: 10,
      bytes: 45,
      stopping: true,
      overrun: false
    })
    // Stopping at once, before the write: not given more to fetch meanwhile.
    expect(table.main.closed).toBe(true)
    expect(table.propose(1)?.parent).not.toBe(table.main)
  })

  it('stops a segment that reaches its end exactly when its response was asked for more', () => {
    const { table } = splitOnce(100, 10)
    expect(table.claim(table.main, 45)).toMatchObject({ bytes: 45, stopping: true })
  })

  it('lets a response end by itself when it brings exactly what was asked', () => {
    const table = new SegmentTable(100)
    expect(write(table, table.main, 100)).toEqual({
      at: 0,
      bytes: 100,
      stopping: false,
      overrun: false
    })
    expect(table.complete()).toBe(100)
  })

  it('calls bytes past what the response was asked for an overrun', () => {
    const { table, part } = splitOnce(100, 10)
    expect(table.claim(part, 46)).toEqual({ at: 55, bytes: 45, stopping: true, overrun: true })
    const whole = new SegmentTable(10)
    expect(whole.claim(whole.main, 11)).toMatchObject({ bytes: 10, overrun: true })
  })

  it('hands a failed part’s range back to the streaming segment before it', () => {
    const { table, part } = splitOnce(100, 10)
    write(table, part, 20)
    table.close(part)
    expect(table.takeBack(part)).toBe(true)
    expect(table.main.end).toBe(100)
    expect(table.parts).toBe(0)
    // The part's bytes on disk count for nothing: the main stream writes them again.
    expect(table.left()).toEqual([{ start: 10, end: 100 }])
  })

  it('keeps a failed part when the segment before it no longer streams', () => {
    const { table, part } = splitOnce(100, 10)
    table.close(table.main)
    table.close(part)
    expect(table.takeBack(part)).toBe(false)
    expect(table.parts).toBe(1)
  })

  it('keeps a failed part when the segment before it asked only up to the part’s start', () => {
    const { table, part } = splitOnce(100, 10)
    write(table, table.main, 30)
    write(table, part, 5)
    const inner = table.propose(1) as Segment
    expect(inner).toMatchObject({ start: 80, parent: part })
    table.commit(inner)
    // The part was cut and asked again: its new request ends where the inner part starts.
    table.close(part)
    table.open(part, part.end)
    table.close(inner)
    expect(table.takeBack(inner)).toBe(false)
    expect(table.segments()).toContain(inner)
  })

  it('never takes back the main stream, a proposal, or a part twice', () => {
    const { table, part } = splitOnce(100, 10)
    expect(table.takeBack(table.main)).toBe(false)
    expect(table.takeBack(table.propose(1) as Segment)).toBe(false)
    table.close(part)
    expect(table.takeBack(part)).toBe(true)
    expect(table.takeBack(part)).toBe(false)
    expect(table.main.end).toBe(100)
  })

  it('is complete only when every byte is on disk, naming the segment that lacks some', () => {
    const { table, part } = splitOnce(100, 10)
    write(table, part, 45)
    expect(() => table.complete()).toThrow('download incomplete: bytes from 0 are missing')
    write(table, table.main, 45)
    expect(table.complete()).toBe(100)
  })

  it('a file of unknown size is complete with what the main stream wrote', () => {
    const table = new SegmentTable(null)
    write(table, table.main, 1234)
    expect(table.complete()).toBe(1234)
  })
})

/**
 * What may happen to a file's table, as the driver does it: proposals, commits, bytes claimed by a
 * response and landing on disk later (one write in flight per segment, as a Writable does), parts
 * cut and asked again or given up. Indexes pick among the segments where the step applies; a step
 * that applies nowhere is skipped.
 */
type Step =
  | { kind: 'propose'; threshold: number }
  | { kind: 'commit' }
  | { kind: 'withdraw' }
  | { kind: 'write'; pick: number; bytes: number }
  | { kind: 'land'; pick: number }
  | { kind: 'cut'; pick: number }
  | { kind: 'retry'; pick: number }
  | { kind: 'giveUp'; pick: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('propose' as const), threshold: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('commit' as const) }),
  fc.record({ kind: fc.constant('withdraw' as const) }),
  fc.record({
    kind: fc.constant('write' as const),
    pick: fc.nat(),
    // Small writes: segments stay open long enough for splits of splits.
    bytes: fc.integer({ min: 1, max: 24 })
  }),
  fc.record({ kind: fc.constant('land' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('giveUp' as const), pick: fc.nat() })
)

/** A table driven by steps, with a disk that remembers which segment wrote each byte last. */
class Model {
  readonly table: SegmentTable
  readonly disk: (Segment | undefined)[]
  /** Claims whose bytes are still on their way to disk. */
  readonly inflight = new Map<Segment, Claim>()
  /** Parts whose response broke: they ask again or give up. */
  readonly cut = new Set<Segment>()
  /** A part given up that no one could take back: the download would fail as a whole. */
  failed = false
  /** What went wrong, in words (an expect() per step would cost seconds over the runs). */
  readonly problems: string[] = []
  readonly size: number

  constructor(size: number) {
    this.size = size
    this.table = new SegmentTable(size)
    this.disk = new Array<Segment | undefined>(size).fill(undefined)
  }

  apply(s: Step): void {
    const t = this.table
    const among = (ok: (seg: Segment) => boolean, pick: number): Segment | undefined => {
      const segs = t.segments().filter(ok)
      return segs.length > 0 ? segs[pick % segs.length] : undefined
    }
    const streaming = (x: Segment) => !x.closed && !this.inflight.has(x)
    const broken = (x: Segment) => this.cut.has(x) && x.pos < x.end
    const proposal = t.proposal
    if (s.kind === 'propose') t.propose(s.threshold)
    else if (s.kind === 'commit') {
      if (proposal && t.commit(proposal)) t.open(proposal, proposal.end)
    } else if (s.kind === 'withdraw') {
      if (proposal) t.withdraw(proposal)
    } else if (s.kind === 'write') {
      const seg = among(streaming, s.pick)
      if (seg) this.claim(seg, s.bytes)
    } else if (s.kind === 'land') {
      const seg = among(x => this.inflight.has(x), s.pick)
      if (seg) this.land(seg)
    } else if (s.kind === 'cut') {
      const seg = among(x => x !== t.main && streaming(x), s.pick)
      if (seg) this.close(seg, true)
    } else {
      const seg = among(broken, s.pick)
      if (seg && s.kind === 'retry') this.retry(seg)
      if (seg && s.kind === 'giveUp') {
        if (t.takeBack(seg)) this.cut.delete(seg)
        else this.failed = true
      }
    }
  }

  /** A response brings `bytes` (never more than it was asked for, as an honest host). */
  claim(seg: Segment, bytes: number): void {
    const claim = this.table.claim(seg, Math.min(bytes, seg.requestEnd - seg.pos))
    this.holds(
      claim.at >= seg.start && claim.at + claim.bytes <= seg.end,
      'a claim past its segment'
    )
    this.holds(!claim.overrun, 'an overrun of an honest answer')
    this.inflight.set(seg, claim)
  }

  /** The claimed bytes reach the disk; a segment that stopped, or got all it asked for, is done. */
  land(seg: Segment): void {
    const claim = this.inflight.get(seg) as Claim
    this.inflight.delete(seg)
    this.disk.fill(seg, claim.at, claim.at + claim.bytes)
    this.table.written(seg, claim)
    if (claim.stopping || seg.pos === seg.requestEnd) this.close(seg, false)
  }

  close(seg: Segment, broke: boolean): void {
    if (broke) this.cut.add(seg)
    if (this.table.close(seg) && this.table.proposal) this.table.withdraw(this.table.proposal)
  }

  /** A broken part asks again for what it lacks, from where it is to its end. */
  retry(seg: Segment): void {
    this.cut.delete(seg)
    this.table.open(seg, seg.end)
  }

  /** Every committed segment covers its range exactly once, within its bounds. */
  check(): void {
    let at = 0
    let unwritten = 0
    for (const seg of this.table.segments()) {
      this.holds(seg.start === at, `a gap or overlap at ${at}`)
      this.holds(
        seg.pos <= seg.reserved && seg.reserved <= seg.end,
        'pos, reserved, end out of order'
      )
      this.holds(seg.start <= seg.pos && seg.end <= seg.requestEnd, 'a segment past its request')
      const done = seg.closed && !this.cut.has(seg) && !this.inflight.has(seg)
      this.holds(!done || seg.pos === seg.end, 'a segment done with bytes missing')
      unwritten += seg.end - seg.pos
      at = seg.end
    }
    this.holds(at === this.size, `segments end at ${at}, not at the size`)
    const left = this.table.left()
    this.holds(left.reduce((sum, r) => sum + r.end - r.start, 0) === unwritten, 'left() miscounts')
    this.holds(
      left.every((r, i) => r.start < r.end && (i === 0 || left[i - 1].end <= r.start)),
      'left() overlaps'
    )
    const proposal = this.table.proposal
    if (proposal && this.table.canCommit(proposal)) {
      this.holds(
        proposal.start >= (proposal.parent as Segment).reserved,
        'a proposal over claimed bytes'
      )
    }
  }

  /** Every write lands, every broken part asks again, every response brings the rest. */
  drain(): void {
    if (this.table.proposal) this.table.withdraw(this.table.proposal)
    for (const seg of [...this.inflight.keys()]) this.land(seg)
    for (const seg of [...this.cut]) this.retry(seg)
    for (const seg of this.table.segments()) {
      if (seg.closed) continue
      this.claim(seg, seg.requestEnd - seg.pos)
      this.land(seg)
    }
  }

  private holds(condition: boolean, what: string): void {
    if (!condition) this.problems.push(what)
  }

  /** The segment that wrote each byte last is the one that covers it. */
  writtenByOwners(): boolean {
    return this.table
      .segments()
      .every(seg => this.disk.slice(seg.start, seg.end).every(writer => writer === seg))
  }
}

const sizes = fc.integer({ min: 1, max: 300 })
// size 'max': fast-check's default size keeps arrays to about ten steps, too few for splits of splits.
const steps = fc.array(step, { maxLength: 150, size: 'max' })

describe('SegmentTable byte coverage', () => {
  it('whatever happens, the segments tile the file exactly and claim no byte twice', () => {
    fc.assert(
      fc.property(sizes, steps, (size, plan) => {
        const model = new Model(size)
        for (const s of plan) {
          model.apply(s)
          if (model.failed) break
          model.check()
          if (model.problems.length > 0) break
        }
        expect(model.problems).toEqual([])
      }),
      { numRuns: 500 }
    )
  })

  it('once complete, every byte was written by the segment that covers it', () => {
    fc.assert(
      fc.property(sizes, steps, (size, plan) => {
        const model = new Model(size)
        for (const s of plan) {
          model.apply(s)
          // A part no one could take back fails the download; here it is simply asked again.
          model.failed = false
        }
        model.drain()
        expect(model.problems).toEqual([])
        expect(model.table.complete()).toBe(size)
        expect(model.table.left()).toEqual([])
        expect(model.writtenByOwners()).toBe(true)
      }),
      { numRuns: 500 }
    )
  })
})
