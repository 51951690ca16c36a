// kie.ai's rate limit as a token bucket: calls beyond it get code 429 with no Retry-After, as kie.ai answers.

/** The limit: `ratePerSecond` tokens a second, at most `burst` held (a full bucket to start). */
export interface RateLimit {
  ratePerSecond: number
  burst: number
}

export class TokenBucket {
  readonly #limit: RateLimit
  #tokens: number
  #refilledAt: number

  constructor(limit: RateLimit, nowMs: number) {
    if (!(limit.ratePerSecond > 0 && limit.burst >= 1)) {
      throw new RangeError(
        `rateLimit needs ratePerSecond > 0 and burst >= 1, got ${limit.ratePerSecond}, ${limit.burst}`
      )
    }
    this.#limit = { ...limit }
    this.#tokens = limit.burst
    this.#refilledAt = nowMs
  }

  /** Takes a token for a call arriving at `nowMs`; false when there is none (the call is over the limit). */
  take(nowMs: number): boolean {
    const { ratePerSecond, burst } = this.#limit
    const elapsed = Math.max(0, nowMs - this.#refilledAt)
    this.#tokens = Math.min(burst, this.#tokens + (elapsed / 1000) * ratePerSecond)
    this.#refilledAt = nowMs
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}
