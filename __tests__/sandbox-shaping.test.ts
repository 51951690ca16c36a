// The sandbox as the benchmark and the tests shape it: kie.ai's rate limit, a bandwidth per connection, requests in flight, stalls let go.
import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { Sandbox, type SandboxOptions } from '../sandbox/index.ts'
import { VIRTUAL_EPOCH } from './helpers/virtual-clock.js'

const IMAGE_URL = 'https://tempfile.aiquickdraw.com/v/shaped.png'

let sandbox: Sandbox | undefined
afterEach(() => sandbox?.close())

async function start(options: SandboxOptions): Promise<Sandbox> {
  sandbox = await Sandbox.start(options)
  await sandbox.register({ url: IMAGE_URL, size: 32 * 1024 })
  return sandbox
}

/** One download-url call: the HTTP status, the Retry-After header and the body's code. */
async function ask(
  sb: Sandbox
): Promise<{ status: number; retryAfter: string | null; code: number; data: string }> {
  const res = await fetch(`${sb.baseUrl}/api/v1/common/download-url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sb.apiKey}` },
    body: JSON.stringify({ url: IMAGE_URL })
  })
  const { code, data } = (await res.json()) as { code: number; data: string }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code, data }
}

describe('rateLimit: kie.ai as a token bucket', () => {
  it('answers a call beyond the bucket with body-style 429 and no Retry-After, and refills by the sandbox clock', async () => {
    let now = VIRTUAL_EPOCH
    const sb = await start({ rateLimit: { ratePerSecond: 2, burst: 3 }, now: () => now })
    const first = [await ask(sb), await ask(sb), await ask(sb)]
    expect(first.map(a => a.code)).toEqual([200, 200, 200])
    expect(await ask(sb)).toEqual({
      status: 200,
      retryAfter: null,
      code: 429,
      data: null
    })
    // Half a second by the sandbox clock brings one token at 2 a second, and only one.
    now += 500
    expect((await ask(sb)).code).toBe(200)
    expect((await ask(sb)).code).toBe(429)
    expect(sb.requests.map(r => r.rateLimited ?? false)).toEqual([
      false,
      false,
      false,
      true,
      false,
      true
    ])
  })

  it('limits task lookups too, lets injected faults win, and setRateLimit starts a full bucket', async () => {
    const now = VIRTUAL_EPOCH
    const sb = await start({ rateLimit: { ratePerSecond: 1, burst: 1 }, now: () => now })
    const task = await sb.registerTask({ type: 'veo', taskId: 'limited-task' })
    const look = async () =>
      (
        (await (
          await fetch(`${sb.baseUrl}${task.path}?taskId=${task.taskId}`, {
            headers: { Authorization: `Bearer ${sb.apiKey}` }
          })
        ).json()) as { code: number }
      ).code
    expect(await look()).toBe(200)
    expect(await look()).toBe(429)
    // A fault answers as injected, over the limit or not.
    sb.inject({ target: 'api', fault: { kind: 'code', code: 500 } })
    expect((await ask(sb)).code).toBe(500)
    expect(sb.requests.at(-1)?.rateLimited).toBeUndefined()
    sb.setRateLimit({ ratePerSecond: 1, burst: 2 })
    expect([(await ask(sb)).code, (await ask(sb)).code, (await ask(sb)).code]).toEqual([
      200, 200, 429
    ])
    sb.setRateLimit(undefined)
    expect((await ask(sb)).code).toBe(200)
  })

  it('refuses a limit that could never let a call through', async () => {
    await expect(Sandbox.start({ rateLimit: { ratePerSecond: 0, burst: 1 } })).rejects.toThrow(
      /ratePerSecond > 0 and burst >= 1/
    )
    await expect(Sandbox.start({ bytesPerSecond: 0 })).rejects.toThrow(/bytesPerSecond must be > 0/)
  })
})

describe('bytesPerSecond: a link of that speed per connection', () => {
  it('no byte of a body leaves early: n bytes take at least n / bytesPerSecond', async () => {
    const sb = await start({ bytesPerSecond: 320 * 1024 })
    const { data } = await ask(sb)
    const asked = performance.now()
    const body = Buffer.from(await (await fetch(data)).arrayBuffer())
    const ms = performance.now() - asked
    expect(body.length).toBe(32 * 1024)
    // 32 KiB at 320 KiB/s: 100 ms, however idle the machine (less 1 ms for timer rounding).
    expect(ms).toBeGreaterThanOrEqual(99)
  })
})

describe('peakInFlight', () => {
  it('counts the requests a server was answering at once, per server, since clearRequests', async () => {
    const sb = await start({ apiLatencyMs: 50 })
    await Promise.all([ask(sb), ask(sb), ask(sb)])
    expect(sb.peakInFlight()).toEqual({ api: 3, file: 0 })
    sb.clearRequests()
    expect(sb.peakInFlight()).toEqual({ api: 0, file: 0 })
    const { data } = await ask(sb)
    await (await fetch(data)).arrayBuffer()
    expect(sb.peakInFlight()).toEqual({ api: 1, file: 1 })
  })
})

describe('releaseStalls', () => {
  it('lets every stall under way go on at once, before its status line or mid-body, and no later one', async () => {
    const sb = await start({})
    sb.inject({ target: 'file', fault: { kind: 'stall' } })
    sb.inject({ target: 'file', fault: { kind: 'stall', afterBytes: 1000, ms: 60_000 } })
    const [one, two] = [(await ask(sb)).data, (await ask(sb)).data]
    const before = fetch(one).then(async r => (await r.arrayBuffer()).byteLength)
    const midBody = fetch(two).then(async r => (await r.arrayBuffer()).byteLength)
    // Both requests have arrived and are held.
    while (sb.requests.filter(q => q.target === 'file').length < 2)
      await new Promise(r => setImmediate(r))
    expect(sb.requests.filter(q => q.target === 'file').map(q => q.fault)).toEqual([
      'stall',
      'stall'
    ])
    sb.releaseStalls()
    expect(await Promise.all([before, midBody])).toEqual([32 * 1024, 32 * 1024])
    // A stall that begins after the release waits as asked: until the client goes away.
    sb.inject({ target: 'file', fault: { kind: 'stall' } })
    const abort = new AbortController()
    const later = fetch(one, { signal: abort.signal }).then(
      () => 'answered',
      () => 'still held'
    )
    while (sb.requests.filter(q => q.target === 'file').length < 3)
      await new Promise(r => setImmediate(r))
    await new Promise(r => setTimeout(r, 50))
    abort.abort()
    expect(await later).toBe('still held')
  })
})

describe('contentCacheBytes', () => {
  it('serves the same bytes from memory as generated, whole and by range, and generates past the budget', async () => {
    const sb = await start({ contentCacheBytes: 40 * 1024 })
    const big = await sb.register({
      url: 'https://tempfile.aiquickdraw.com/v/big.png',
      size: 100_000
    })
    const sha = (bytes: ArrayBuffer) =>
      createHash('sha256').update(Buffer.from(bytes)).digest('hex')
    const get = async (url: string, range?: string) => {
      const { data } = (await (
        await fetch(`${sb.baseUrl}/api/v1/common/download-url`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sb.apiKey}` },
          body: JSON.stringify({ url })
        })
      ).json()) as { data: string }
      return (await fetch(data, { headers: range ? { Range: range } : {} })).arrayBuffer()
    }
    // IMAGE_URL (32 KiB) is held in memory; the 100,000-byte file does not fit what is left.
    expect(sha(await get(IMAGE_URL))).toBe(
      (await sb.register({ url: IMAGE_URL, size: 32 * 1024 })).sha256
    )
    expect(sha(await get(big.url))).toBe(big.sha256)
    const whole = Buffer.from(await get(IMAGE_URL))
    expect(Buffer.from(await get(IMAGE_URL, 'bytes=1000-70000'))).toEqual(whole.subarray(1000))
    expect(Buffer.from(await get(IMAGE_URL, 'bytes=-10'))).toEqual(whole.subarray(-10))
  })
})
