// A Clock on virtual time: sleeps fire in time order as soon as nothing else can run, so seconds cost nothing.
import { CancelledError } from '../../src/errors.js'
import type { Clock } from '../../src/util/clock.js'

interface Timer {
  at: number
  seq: number
  fire: () => void
}

/** Lets every promise continuation and immediate that is ready run before time moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve))
}

/** An epoch a test can name: virtual time that must look like a real date starts here. */
export const VIRTUAL_EPOCH = 1_700_000_000_000

export interface VirtualClockOptions {
  /** Seed of the generator behind `random` (default 1). */
  seed?: number
  /** A fixed `random` instead (0.5 makes a ±10 % jitter factor exactly 1). */
  random?: number
  /** Where time starts (default 0). */
  start?: number
  /**
   * Every sleep ends at once, moving time on by what it asked: for code whose other waits are real
   * I/O (a run against the sandbox), where nothing could tell when to fire a timer.
   */
  instant?: boolean
}

export class VirtualClock implements Clock {
  private t: number
  private seq = 0
  private timers: Timer[] = []
  private seed: number
  private readonly fixed: number | undefined
  private readonly instant: boolean
  /** Every sleep asked for, in order, in ms. */
  readonly sleeps: number[] = []

  constructor(options: VirtualClockOptions | number = {}) {
    const o = typeof options === 'number' ? { seed: options } : options
    this.seed = o.seed ?? 1
    this.fixed = o.random
    this.t = o.start ?? 0
    this.instant = o.instant ?? false
  }

  /** Sleeps end at once and move time on: see VirtualClockOptions.instant. */
  static instant(options: Omit<VirtualClockOptions, 'instant'> = {}): VirtualClock {
    return new VirtualClock({ random: 0.5, ...options, instant: true })
  }

  now = (): number => this.t

  /** A small seeded generator (mulberry32): the same seed, the same run. */
  random = (): number => {
    if (this.fixed !== undefined) return this.fixed
    let x = (this.seed = (this.seed + 0x6d2b79f5) | 0)
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      this.sleeps.push(ms)
      if (this.instant) {
        this.t += Math.max(0, ms)
        return resolve()
      }
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter(x => x !== timer)
        reject(new CancelledError())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
    })

  /** Sleeps not yet fired. */
  get pending(): number {
    return this.timers.length
  }

  /** Moves time forward timer by timer until `work` settles; throws if it waits on nothing. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false
    work.then(
      () => (done = true),
      () => (done = true)
    )
    for (;;) {
      await settle()
      if (done) return work
      if (this.timers.length === 0) throw new Error('deadlock: the work waits, but no timer is set')
      this.fireNext()
    }
  }

  /** Moves time forward to `at`, firing every timer due by then. */
  async advanceTo(at: number): Promise<void> {
    for (;;) {
      await settle()
      const next = this.nextTimer()
      if (!next || next.at > at) break
      this.fireNext()
    }
    this.t = Math.max(this.t, at)
    await settle()
  }

  private nextTimer(): Timer | undefined {
    return this.timers.reduce<Timer | undefined>(
      (best, x) => (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq) ? x : best),
      undefined
    )
  }

  private fireNext(): void {
    const next = this.nextTimer() as Timer
    this.timers = this.timers.filter(x => x !== next)
    this.t = Math.max(this.t, next.at)
    next.fire()
  }
}
