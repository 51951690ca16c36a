// The API governor on virtual time: rate-limit storms, Retry-After for every lane, free slots while waiting, the lookup cap, budget, cancel.
import { describe, expect, it } from '@jest/globals'
import { CancelledError, TransferError } from '../src/errors.js'
import { Governor, rateLimitBudgetMs } from '../src/resolve/governor.js'
import { VirtualClock } from './helpers/virtual-clock.js'

const limited = (retryAfterMs?: number): TransferError =>
  new TransferError(
    'kie.ai common download-url answered 429, rate limited: "Rate limit exceeded"',
    {
      retryable: true,
      rateLimited: true,
      retryAfterMs
    }
  )

/**
 * A kie.ai-like API behind a token bucket: `ratePerSecond` tokens a second, `burst` at most;
 * a call without a token is answered with the body-style 429 (no Retry-After).
 */
function tokenBucketApi(
  clock: VirtualClock,
  ratePerSecond: number,
  burst: number,
  latencyMs: number
) {
  let tokens = burst
  let refilledAt = 0
  const served: number[] = []
  const call = async (): Promise<string> => {
    await clock.sleep(latencyMs / 2)
    const now = clock.now()
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * ratePerSecond)
    refilledAt = now
    const ok = tokens >= 1
    if (ok) tokens -= 1
    await clock.sleep(latencyMs / 2)
    if (!ok) throw limited()
    served.push(now)
    return 'signed'
  }
  return { call, served }
}

function governor(clock: VirtualClock, concurrency: number, budgetMs = 120_000): Governor {
  return new Governor({ concurrency, clock, rateLimitBudgetMs: budgetMs })
}

/** The most calls started in any window [t, t + 1 s) that opens at one of them. */
function maxPerSecond(starts: number[]): number {
  return Math.max(...starts.map(t => starts.filter(s => s >= t && s < t + 1000).length))
}

describe('Governor under a rate-limit storm', () => {
  it.each([8, 16])(
    'loses no call and adapts to a 10 req/s token bucket with body-style 429s (200 calls, concurrency %i)',
    async concurrency => {
      const clock = new VirtualClock(concurrency)
      const gov = governor(clock, concurrency)
      const api = tokenBucketApi(clock, 10, 10, 40)
      const outcomes = await clock.run(
        Promise.allSettled(Array.from({ length: 200 }, () => gov.run('resolve', api.call)))
      )
      expect(outcomes.filter(o => o.status === 'rejected')).toEqual([])
      const stats = gov.stats()
      expect(stats.successes).toBe(200)
      expect(stats.calls / 200).toBeLessThanOrEqual(1.2)
      expect(stats.rateLimited).toBe(stats.calls - 200)
      // The rate found is the bucket's: near 10, not stuck at a half or a quarter of it.
      expect(stats.rate).toBeGreaterThanOrEqual(8)
      expect(stats.rate).toBeLessThanOrEqual(12)
      // Served per second over the second half of the run (after the initial burst) is close to 10.
      const half = api.served.slice(100)
      const perSecond = (half.length - 1) / ((half[half.length - 1] - half[0]) / 1000)
      expect(perSecond).toBeGreaterThanOrEqual(9)
      expect(perSecond).toBeLessThanOrEqual(10.5)
      // And the whole run takes little more than N / rate (virtual time: 200 / 10 s less the burst).
      expect(clock.now()).toBeLessThanOrEqual(1.1 * 20_000)
      expect(stats.inFlight).toBe(0)
    }
  )

  it('sends download-url calls without pacing while no limit is met', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 16)
    const starts: number[] = []
    const call = async (): Promise<void> => {
      starts.push(clock.now())
      await clock.sleep(100)
    }
    await clock.run(Promise.all(Array.from({ length: 64 }, () => gov.run('resolve', call))))
    // 64 calls of 100 ms at 16 at once: four waves, nothing added between (no call goes ahead alone).
    expect(clock.now()).toBe(400)
    for (const t of [0, 100, 200, 300]) expect(starts.filter(s => s === t)).toHaveLength(16)
    expect(gov.stats()).toMatchObject({ calls: 64, rateLimited: 0, rate: null })
  })

  it('a bad key costs at most one call per slot: queued calls see the stop and are never sent', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 8)
    let stopped = false
    let sent = 0
    const call = async (): Promise<void> => {
      if (stopped) throw new TransferError('not started')
      sent++
      await clock.sleep(50)
      stopped = true
      throw new TransferError('answered 401', { stopAll: true })
    }
    const results = await clock.run(
      Promise.allSettled(Array.from({ length: 20 }, () => gov.run('resolve', call)))
    )
    expect(sent).toBe(8)
    expect(clock.now()).toBe(50)
    expect(results.every(r => r.status === 'rejected')).toBe(true)
  })
})

describe('Governor and Retry-After', () => {
  it('pauses every lane for the Retry-After one call was given, then re-sends that call', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 8)
    const starts: Array<[string, number]> = []
    let first = true
    const limitedOnce = async (): Promise<string> => {
      starts.push(['a', clock.now()])
      await clock.sleep(10)
      if (first) {
        first = false
        throw limited(3000)
      }
      return 'a'
    }
    const other = (name: string) => async (): Promise<string> => {
      starts.push([name, clock.now()])
      return name
    }
    const a = gov.run('resolve', limitedOnce)
    await clock.advanceTo(50)
    // Both lanes ask after the 429 came back: neither may start before 10 + 3000 ms.
    const b = gov.run('resolve', other('b'))
    const c = gov.run('lookup', other('c'))
    await expect(clock.run(Promise.all([a, b, c]))).resolves.toEqual(['a', 'b', 'c'])
    expect(starts[0]).toEqual(['a', 0])
    for (const [, at] of starts.slice(1)) expect(at).toBeGreaterThanOrEqual(3010)
    expect(starts.map(([name]) => name).sort()).toEqual(['a', 'a', 'b', 'c'])
    expect(gov.stats()).toMatchObject({ calls: 4, rateLimited: 1, successes: 3 })
  })

  it('frees the slot of a call waiting out a rate limit, so a queued call goes first', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 1)
    const order: string[] = []
    let first = true
    const a = gov.run('resolve', async () => {
      order.push(`a@${clock.now()}`)
      if (first) {
        first = false
        await clock.sleep(10)
        throw limited(1000)
      }
      return 'a'
    })
    const b = gov.run('lookup', async () => {
      order.push(`b@${clock.now()}`)
      await clock.sleep(500)
      return 'b'
    })
    await clock.advanceTo(600)
    // While `a` waits for its Retry-After it holds nothing.
    expect(gov.stats().inFlight).toBe(0)
    await clock.run(Promise.all([a, b]))
    // `b` was queued before `a` was re-sent, and gets the one slot first, at the end of the pause.
    expect(order).toEqual(['a@0', 'b@1010', 'a@1510'])
  })

  it('does not spend `retries`: a call re-sent through several 429s still succeeds', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 2)
    let answers = 0
    const result = clock.run(
      gov.run('resolve', async () => {
        answers++
        if (answers <= 6) throw limited()
        return 'ok'
      })
    )
    await expect(result).resolves.toBe('ok')
    expect(gov.stats()).toMatchObject({ calls: 7, rateLimited: 6, successes: 1 })
  })
})

describe('Governor lookup cap', () => {
  it('starts at most 10 lookups in any one second, and no fewer than it may', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 16)
    const starts: number[] = []
    const lookup = async (): Promise<void> => {
      starts.push(clock.now())
      await clock.sleep(20)
    }
    await clock.run(Promise.all(Array.from({ length: 45 }, () => gov.run('lookup', lookup))))
    expect(starts).toHaveLength(45)
    expect(maxPerSecond(starts)).toBe(10)
    // Evenly spaced, a little wider than 100 ms, so they cannot reach kie.ai bunched.
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBe(110)
    // Counted per whole second too, as kie.ai would count them.
    const bySecond = new Map<number, number>()
    for (const t of starts)
      bySecond.set(Math.floor(t / 1000), (bySecond.get(Math.floor(t / 1000)) ?? 0) + 1)
    expect(Math.max(...bySecond.values())).toBeLessThanOrEqual(10)
    // 45 lookups at 10 a second (less the margin): the last starts within the fifth second.
    expect(Math.max(...starts)).toBe(44 * 110)
  })

  it('lets download-url calls past lookups that are waiting for their cap', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 16)
    const lookups = Array.from({ length: 11 }, () => gov.run('lookup', async () => clock.now()))
    const resolved = gov.run('resolve', async () => clock.now())
    await clock.advanceTo(100)
    await expect(resolved).resolves.toBe(0)
    const times = await clock.run(Promise.all(lookups))
    expect(times).toEqual(lookups.map((_, i) => i * 110))
  })
})

describe('Governor and the deadline of the work a call serves', () => {
  it('gives a call up at once when the pause asked for ends after its deadline, saying how long', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 4)
    let sent = 0
    const error = await clock
      .run(
        gov.run(
          'lookup',
          async () => {
            sent++
            await clock.sleep(10)
            throw limited(60_000)
          },
          undefined,
          8_000
        )
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransferError)
    expect(error).toMatchObject({ retryable: true, rateLimited: true, retryAfterMs: 60_000 })
    expect((error as Error).message).toMatch(
      /answered 429, rate limited: "Rate limit exceeded" \(the pause it asks for, 60\.0 s, ends past this call's deadline\)$/
    )
    expect(sent).toBe(1)
    expect(clock.now()).toBe(10)
    expect(clock.pending).toBe(0)
  })

  it('re-sends through short pauses until the next one would pass the deadline', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 4)
    const sentAt: number[] = []
    const error = await clock
      .run(
        gov.run(
          'lookup',
          async () => {
            sentAt.push(clock.now())
            throw limited(1_000)
          },
          undefined,
          3_500
        )
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ rateLimited: true, retryable: true })
    expect(sentAt).toEqual([0, 1000, 2000, 3000])
    // Ended by the deadline, not by the 120 s budget.
    expect(clock.now()).toBe(3000)
  })

  it('fails a queued call at once when a pause begins that outlasts its deadline; one without a deadline waits', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 1)
    let limitedOnce = true
    const first = gov.run('resolve', async () => {
      await clock.sleep(10)
      if (limitedOnce) {
        limitedOnce = false
        throw limited(60_000)
      }
      return 'first'
    })
    const queued = gov.run('lookup', async () => 'late', undefined, 5_000)
    const patient = gov.run('resolve', async () => clock.now())
    const early = await clock.run(queued).then(
      () => null,
      (e: unknown) => e
    )
    expect(early).toMatchObject({ rateLimited: true, retryable: true, retryAfterMs: 60_000 })
    expect(clock.now()).toBe(10)
    const [again, patientAt] = await clock.run(Promise.all([first, patient]))
    expect(again).toBe('first')
    expect(patientAt).toBeGreaterThanOrEqual(60_010)
  })

  it('reports a pause without a rate when the server said when to come back and none was measured', async () => {
    const clock = new VirtualClock()
    const pauses: Array<[number, number | null]> = []
    const gov = new Governor({
      concurrency: 2,
      clock,
      rateLimitBudgetMs: 120_000,
      onPause: (ms, rate) => pauses.push([ms, rate])
    })
    let n = 0
    await clock.run(
      gov.run('resolve', async () => {
        if (n++ === 0) throw limited(2_000)
        return 'ok'
      })
    )
    expect(pauses).toEqual([[2_000, null]])
  })
})

describe('Governor budget and cancel', () => {
  it('gives a call up with a clear, final error once it has met rate limits for the budget', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 4, 10_000)
    const error = await clock
      .run(
        gov.run('resolve', async () => {
          throw limited()
        })
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransferError)
    const e = error as TransferError
    expect(e.message).toMatch(
      /^kie\.ai kept answering 'rate limited' for 10 s, so this call was given up \(last answer: .*429/
    )
    expect(e.retryable).toBe(false)
    expect(e.rateLimited).toBe(false)
    expect(clock.now()).toBeGreaterThanOrEqual(10_000)
    // The pauses doubled: a dozen calls in the budget, not hundreds.
    expect(gov.stats().calls).toBeLessThan(15)
  })

  it('derives the budget from the timeout: five timeouts, at least two minutes', () => {
    expect(rateLimitBudgetMs(60_000)).toBe(300_000)
    expect(rateLimitBudgetMs(10_000)).toBe(120_000)
  })

  it('rejects waiting calls with CancelledError the moment the run is cancelled', async () => {
    const clock = new VirtualClock()
    const gov = governor(clock, 2)
    const abort = new AbortController()
    let sent = 0
    const first = gov.run(
      'resolve',
      async () => {
        sent++
        throw limited(60_000)
      },
      abort.signal
    )
    await clock.advanceTo(0)
    // Asked for after the 429 with its 60 s Retry-After: waits in the queue.
    const queued = gov.run('lookup', async () => sent++, abort.signal)
    const settled = Promise.allSettled([first, queued])
    await clock.advanceTo(1000)
    abort.abort()
    const [a, b] = await settled
    expect(clock.now()).toBe(1000)
    expect(a).toMatchObject({ status: 'rejected', reason: expect.any(CancelledError) })
    expect(b).toMatchObject({ status: 'rejected', reason: expect.any(CancelledError) })
    expect(sent).toBe(1)
    // Nothing is left waiting: no 60 s timer keeps the process alive after a cancel.
    expect(clock.pending).toBe(0)
    await expect(gov.run('resolve', async () => 'late', abort.signal)).rejects.toBeInstanceOf(
      CancelledError
    )
  })
})
