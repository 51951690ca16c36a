// A Clock for tests: sleeps pass at once and move virtual time, so polling runs without waiting.
import { CancelledError } from '../../src/errors.js'
import type { Clock } from '../../src/util/clock.js'

export const FAKE_START = 1_700_000_000_000

/** Virtual time from FAKE_START; `random` fixed (0.5 makes a ±10 % jitter factor exactly 1). */
export function fakeClock(random = 0.5): Clock & { sleeps: number[] } {
  let now = FAKE_START
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    random: () => random,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(new CancelledError())
      sleeps.push(ms)
      now += ms
      return Promise.resolve()
    }
  }
}
