// The one retry policy for API calls and downloads: which failures to retry, how long to wait, and the log line.
import { CancelledError, TransferError, errorMessage } from '../errors.js'
import type { Clock } from './clock.js'
import { stripQueries } from './safe-text.js'

/** Waits are drawn from [0, min(cap, base * 2^attempt)] ("full jitter"). */
export const BACKOFF_BASE_MS = 1_000
export const BACKOFF_CAP_MS = 30_000
/** A Retry-After longer than this is not trusted (a misconfigured proxy should not park a job for hours). */
export const MAX_RETRY_AFTER_MS = 120_000

/** HTTP statuses worth another attempt. Every other 4xx and the rest of 5xx (e.g. 505) are final. */
export const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504])
/**
 * kie.ai body codes worth another attempt: rate limited, maintenance, server error, and a
 * gateway's 502-504 passed on in the body. Its 408 (no result for 10 minutes) and 501
 * (generation failed) are final, whatever the HTTP status says.
 */
export const RETRYABLE_KIE_CODES = new Set([429, 455, 500, 502, 503, 504])

/** Node network error codes that say "the path failed", not "the request was wrong". */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPROTO',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET'
])

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number
  clock: Clock
  /** Told of every retry before its wait, e.g. to log it. */
  onRetry: (retry: RetryNotice) => void
}

export interface RetryNotice {
  what: string
  /** 1-based number of the retry about to happen. */
  retry: number
  of: number
  waitMs: number
  reason: string
}

/** Turns anything thrown by the HTTP layers into a TransferError that says whether to retry. */
export function classify(error: unknown): TransferError {
  if (error instanceof TransferError) return error
  const code = (error as { code?: unknown })?.code
  const message = errorMessage(error)
  if (typeof code === 'string') {
    // Certificate problems do not heal by waiting: say so at once.
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
      return new TransferError(`TLS certificate rejected (${code})`)
    }
    if (RETRYABLE_NETWORK_CODES.has(code) || code.startsWith('ERR_SSL_')) {
      return new TransferError(`network error ${code}`, { retryable: true })
    }
    // Anything else with a code (ENOSPC, EACCES, ...) is local and final.
    const text = stripQueries(message)
    return new TransferError(text.startsWith(`${code}:`) ? text : `${code}: ${text}`)
  }
  return new TransferError(`unexpected error: ${stripQueries(message)}`)
}

const HTTP_DATE =
  /^[A-Za-z]{3,9}, .*\d{2}:\d{2}:\d{2} GMT$|^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/

/** Milliseconds asked for by a Retry-After header (delta-seconds or HTTP date), if it is sane. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now()
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  let ms: number
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000
  // Only an HTTP date counts (RFC 9110 IMF-fixdate and the obsolete forms): Date.parse would
  // read "-5" or "1,5" as dates in 2001 and turn garbage into "retry at once".
  else if (!HTTP_DATE.test(text)) return undefined
  else {
    const at = Date.parse(text)
    if (Number.isNaN(at)) return undefined
    ms = Math.max(0, at - now)
  }
  return ms <= MAX_RETRY_AFTER_MS ? ms : undefined
}

/** The full-jitter exponential wait before retry number `retry` (1-based). */
export function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1))
  return Math.floor(random() * ceiling)
}

/**
 * Runs `attempt` until it succeeds, fails for good, or `policy.retries` retries are spent.
 * A retryable error waits its Retry-After when given, else the jittered backoff. A cancelled run
 * is never retried and its waits end at once; a rate-limit answer is the API governor's to wait
 * out (it spends no retry), so one that reaches here is final.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  signal?: AbortSignal
): Promise<T> {
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw new CancelledError()
    try {
      return await attempt()
    } catch (raw) {
      if (raw instanceof CancelledError) throw raw
      const error = classify(raw)
      if (!error.retryable || error.rateLimited || n >= policy.retries) throw error
      const retry = n + 1
      const waitMs = error.retryAfterMs ?? backoffMs(retry, policy.clock.random)
      policy.onRetry({ what, retry, of: policy.retries, waitMs, reason: error.message })
      await policy.clock.sleep(waitMs, signal)
    }
  }
}
