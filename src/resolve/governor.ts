// The one gate every kie.ai API call of a run goes through: API slots, a shared answer to rate limits, the lookup cap.
import { CancelledError, TransferError } from '../errors.js'
import type { Clock } from '../util/clock.js'

/** `resolve`: download-url calls. `lookup`: task-detail calls (capped per second, as kie.ai documents). */
export type Lane = 'resolve' | 'lookup'

export interface GovernorOptions {
  /** API calls in flight at once, all lanes together. */
  concurrency: number
  clock: Clock
  /** How long one call may keep meeting rate limits before it fails (see rateLimitBudgetMs()). */
  rateLimitBudgetMs: number
  /** Lookups started in any one second, at most (kie.ai: 10 per second per key for task details). */
  lookupsPerSecond?: number
  /**
   * Told once per rate-limit episode how long every call pauses and the rate they resume at (null:
   * unpaced, as when the server said when to come back and nothing had got through to measure).
   */
  onPause?: (pauseMs: number, ratePerSecond: number | null) => void
}

export interface GovernorStats {
  /** Calls sent, re-sends included. */
  calls: number
  /** Calls answered "rate limited". */
  rateLimited: number
  successes: number
  /** Calls that failed for another reason (not re-sent here). */
  failures: number
  /** Allowed request rate per second; null while no rate limit has been met (no cap). */
  rate: number | null
  inFlight: number
}

/** The time a call may spend meeting rate limits: five request timeouts, and never under two minutes. */
export function rateLimitBudgetMs(timeoutMs: number): number {
  return Math.max(5 * timeoutMs, 120_000)
}

const WINDOW_MS = 1_000
/**
 * Lookups are spaced evenly, a little wider than the cap asks: a burst of ten at once could reach
 * kie.ai bunched with the next second's (connections and the event loop delay some), and count
 * as more than ten in one of kie.ai's seconds.
 */
const LOOKUP_SPACING_MARGIN = 1.1
/** The allowed rate never falls below this (one call every two seconds). */
const MIN_RATE = 0.5
/**
 * After a rate limit the allowed rate is set just under what got through in the last second: that
 * is the API's own rate, measured. Halving it, as TCP does, would leave a quarter of it unused on
 * average; the small margin keeps the next rate limit a few seconds away instead.
 */
const CUT_FACTOR = 0.9
/** Pauses without Retry-After double while limits keep coming with no success between, up to this. */
const MAX_PAUSE_MS = 30_000

interface Waiter {
  lane: Lane
  /** No rate-limit pause may keep it waiting past this (epoch ms; Infinity: the budget decides). */
  deadline: number
  start: () => void
  cancel: () => void
  fail: (error: TransferError) => void
}

export class Governor {
  private readonly concurrency: number
  private readonly clock: Clock
  private readonly budgetMs: number
  private readonly lookupsPerSecond: number
  private readonly onPause?: (pauseMs: number, ratePerSecond: number | null) => void

  /*
   * No call goes ahead alone to test the key: that would cost every run one API round trip (with
   * all connections idle) to save a bad key's run a few calls. A bad key or an empty account costs
   * at most `concurrency` calls, those already sent when the first 401/402 comes back; the caller
   * stops the run then, and every queued call sees the stop before it is sent.
   */
  private inFlight = 0
  private readonly queue: Waiter[] = []
  /** No call starts before this time (a Retry-After, or the backoff after a rate limit). */
  private pausedUntil = 0
  /** Requests per second; Infinity until the first rate limit: download-url calls are not paced before. */
  private rate = Infinity
  private lastStartAt = -Infinity
  /** When the rate was last cut: answers to calls sent before it belong to the same episode. */
  private lastCutAt = -Infinity
  /** Rate-limit episodes since the last success: the pause without Retry-After doubles with each. */
  private streak = 0
  private readonly successTimes: number[] = []
  private readonly lookupStarts: number[] = []
  private wakeAt = Infinity
  private wakeAbort?: AbortController
  /** The last rate-limit answer, quoted when a pause would outlast a call's deadline. */
  private lastLimit?: TransferError
  private readonly counts = { calls: 0, rateLimited: 0, successes: 0, failures: 0 }

  constructor(options: GovernorOptions) {
    this.concurrency = Math.max(1, options.concurrency)
    this.clock = options.clock
    this.budgetMs = options.rateLimitBudgetMs
    this.lookupsPerSecond = options.lookupsPerSecond ?? 10
    this.onPause = options.onPause
  }

  stats(): GovernorStats {
    return {
      ...this.counts,
      rate: Number.isFinite(this.rate) ? this.rate : null,
      inFlight: this.inFlight
    }
  }

  /**
   * Runs `call` in an API slot. A rate-limit answer (a TransferError with `rateLimited`) slows every
   * call of the run, frees the slot, and re-sends this call when the governor allows, until it has
   * met rate limits for the budget. Any other outcome is returned or thrown as is.
   *
   * `deadline` (epoch ms by the clock) is when the work this call serves ends, e.g. a task's `wait`:
   * no rate-limit pause keeps the call past it. A call whose pause would end after it gives up at
   * once with a retryable rate-limit error whose `retryAfterMs` is that pause, queued or answered.
   */
  async run<T>(
    lane: Lane,
    call: () => Promise<T>,
    signal?: AbortSignal,
    deadline = Infinity
  ): Promise<T> {
    let firstLimitedAt: number | undefined
    for (;;) {
      await this.acquire(lane, signal, deadline)
      const sentAt = this.clock.now()
      let result: T
      try {
        result = await call()
      } catch (error) {
        this.inFlight--
        if (!(error instanceof TransferError && error.rateLimited)) {
          this.counts.failures++
          this.pump()
          throw error
        }
        this.counts.rateLimited++
        const now = this.clock.now()
        this.onRateLimited(sentAt, now, error)
        this.pump()
        if (signal?.aborted) throw new CancelledError()
        firstLimitedAt ??= now
        if (now - firstLimitedAt >= this.budgetMs) {
          throw new TransferError(
            `kie.ai kept answering 'rate limited' for ${Math.round(this.budgetMs / 1000)} s, so this call was given up (last answer: ${error.message})`
          )
        }
        if (this.pausedUntil >= deadline) throw this.pastDeadline(now)
        continue
      }
      this.inFlight--
      this.onSuccess()
      this.pump()
      return result
    }
  }

  /** The error of a call whose deadline comes before the pause ends: the last answer, and the wait it asks. */
  private pastDeadline(now: number): TransferError {
    const pauseMs = Math.max(0, this.pausedUntil - now)
    const last = this.lastLimit?.message ?? 'rate limited'
    return new TransferError(
      `${last} (the pause it asks for, ${(pauseMs / 1000).toFixed(1)} s, ends past this call's deadline)`,
      { retryable: true, rateLimited: true, retryAfterMs: pauseMs }
    )
  }

  /** Waits for a slot this lane may use now; the slot is taken when this resolves. */
  private acquire(lane: Lane, signal: AbortSignal | undefined, deadline: number): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError())
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => waiter.cancel()
      const leave = (error: Error): void => {
        signal?.removeEventListener('abort', onAbort)
        const at = this.queue.indexOf(waiter)
        if (at >= 0) this.queue.splice(at, 1)
        reject(error)
      }
      const waiter: Waiter = {
        lane,
        deadline,
        start: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        cancel: () => {
          leave(new CancelledError())
          this.pump()
        },
        fail: leave
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.queue.push(waiter)
      this.pump()
    })
  }

  /** Starts every waiting call that may start now, and sets a wake-up for the next one that may not. */
  private pump(): void {
    this.dropPastDeadline()
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      const now = this.clock.now()
      // The pause and the pace hold for every lane: a rate limit is the key's, not the endpoint's.
      const gate = Math.max(this.pausedUntil, this.lastStartAt + WINDOW_MS / this.rate)
      if (now < gate) return this.wakeUpAt(gate)
      let lookupGate = now
      const index = this.queue.findIndex(w => {
        if (w.lane !== 'lookup') return true
        const at = this.nextLookupAt(now)
        lookupGate = at
        return at <= now
      })
      if (index < 0) return this.wakeUpAt(lookupGate)
      const [waiter] = this.queue.splice(index, 1)
      this.inFlight++
      this.counts.calls++
      this.lastStartAt = now
      if (waiter.lane === 'lookup') this.lookupStarts.push(now)
      waiter.start()
    }
    if (this.queue.length === 0) this.cancelWakeUp()
  }

  /** Waiters a rate-limit pause would keep past their deadline: told now, not when the pause ends. */
  private dropPastDeadline(): void {
    const now = this.clock.now()
    if (this.pausedUntil <= now) return
    for (const waiter of this.queue.filter(w => w.deadline <= this.pausedUntil)) {
      waiter.fail(this.pastDeadline(now))
    }
  }

  /**
   * The earliest time a lookup may start: never more than `lookupsPerSecond` in any one second,
   * and evenly spaced within it.
   */
  private nextLookupAt(now: number): number {
    const starts = this.lookupStarts
    while (starts.length > 0 && starts[0] <= now - WINDOW_MS) starts.shift()
    const spaced =
      starts.length === 0
        ? now
        : starts[starts.length - 1] +
          Math.round((WINDOW_MS / this.lookupsPerSecond) * LOOKUP_SPACING_MARGIN)
    const windowed =
      starts.length < this.lookupsPerSecond
        ? now
        : starts[starts.length - this.lookupsPerSecond] + WINDOW_MS
    return Math.max(now, spaced, windowed)
  }

  private wakeUpAt(at: number): void {
    if (at >= this.wakeAt) return
    this.cancelWakeUp()
    this.wakeAt = at
    const abort = new AbortController()
    this.wakeAbort = abort
    this.clock.sleep(at - this.clock.now(), abort.signal).then(
      () => {
        if (this.wakeAbort !== abort) return
        this.wakeAt = Infinity
        this.wakeAbort = undefined
        this.pump()
      },
      () => {}
    )
  }

  /** Nobody waits: a pending wake-up (up to a Retry-After long) must not keep the process alive. */
  private cancelWakeUp(): void {
    this.wakeAbort?.abort()
    this.wakeAbort = undefined
    this.wakeAt = Infinity
  }

  private onSuccess(): void {
    const now = this.clock.now()
    this.counts.successes++
    this.streak = 0
    this.successTimes.push(now)
    while (this.successTimes[0] <= now - WINDOW_MS) this.successTimes.shift()
    // Additive increase: about one more request per second every second, or 10 % when faster.
    if (Number.isFinite(this.rate)) this.rate += Math.max(1, this.rate / 10) / this.rate
  }

  private onRateLimited(sentAt: number, now: number, error: TransferError): void {
    this.lastLimit = error
    const asked = error.retryAfterMs
    // Calls sent before the last cut were sent at the old rate: their answers are that same episode.
    if (sentAt < this.lastCutAt) {
      if (asked !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + asked)
      return
    }
    this.lastCutAt = now
    this.streak++
    while (this.successTimes.length > 0 && this.successTimes[0] <= now - WINDOW_MS) {
      this.successTimes.shift()
    }
    const measured = this.successTimes.length
    // Nothing got through lately: halve what could be sent, unless the server said when to come back.
    const estimate =
      measured > 0
        ? measured * CUT_FACTOR
        : asked === undefined
          ? Math.min(this.rate, this.concurrency) / 2
          : this.rate
    this.rate = Math.max(MIN_RATE, Math.min(this.rate, estimate))
    // Without Retry-After: one interval of the new rate, doubling while nothing gets through.
    const backoff = Math.min(MAX_PAUSE_MS, (WINDOW_MS / this.rate) * 2 ** (this.streak - 1))
    const pause = asked ?? backoff * (0.5 + 0.5 * this.clock.random())
    this.pausedUntil = Math.max(this.pausedUntil, now + pause)
    this.onPause?.(pause, Number.isFinite(this.rate) ? this.rate : null)
  }
}
