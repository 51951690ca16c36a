// The run's clock: time, sleeps and randomness in one place, so tests can run the same code on virtual time.
import { CancelledError } from '../errors.js'

/** What every timing decision of a run reads: retries, the governor, task polling, signed-URL age. */
export interface Clock {
  /** Waits `ms`; rejects with CancelledError at once when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** A number in [0, 1). */
  random: () => number
  now: () => number
}

export const realClock: Clock = {
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(new CancelledError())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
  random: Math.random,
  now: Date.now
}
