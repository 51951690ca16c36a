import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { setImmediate as tick } from 'node:timers/promises'
import { CancelledError } from '../src/errors.js'
import { Http, readText } from '../src/util/http.js'
import { type LoggedRequest, Sandbox } from '../sandbox/index.ts'
import { failure } from './helpers/capture.js'

/**
 * readText's rules are about time: they run on jest's fake timers (the Watchdog's setTimeout and
 * setInterval), over a body a test writes into by hand. Stream internals keep the real ticks.
 */
describe('readText', () => {
  afterEach(() => {
    jest.useRealTimers()
  })

  /** A body the test feeds, read by readText with `options`. */
  function reading(options: { timeoutMs: number; wholeMs?: number; maxBytes?: number }) {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
    const body = new PassThrough()
    const text = readText(body as unknown as IncomingMessage, {
      what: 'kie.ai test',
      maxBytes: options.maxBytes ?? 65536,
      ...options
    })
    // Judged once it settles; a test that expects it to fail reads it through failure().
    text.catch(() => undefined)
    /** Writes `chunk` every `everyMs` of fake time, `times` times. */
    const feed = async (chunk: string | Buffer, everyMs: number, times: number) => {
      for (let i = 0; i < times; i++) {
        body.write(chunk)
        await jest.advanceTimersByTimeAsync(everyMs)
      }
    }
    return { body, text, feed }
  }

  it('abandons an answer that trickles in under 1 KiB/s, retryably', async () => {
    const { text, feed } = reading({ timeoutMs: 1_000 })
    // A byte every 250 ms: never idle for the 1 s timeout, yet 4 bytes a second.
    await feed('{', 250, 5)
    const e = await failure(text)
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe('kie.ai test: under 1 KiB/s for 1 s')
  })

  it('abandons an answer with no byte for the timeout', async () => {
    const { text } = reading({ timeoutMs: 1_000 })
    await jest.advanceTimersByTimeAsync(1_000)
    expect((await failure(text)).message).toBe('kie.ai test: no data for 1 s')
  })

  it('keeps a slow answer that stays above 1 KiB/s, however long it takes', async () => {
    const { body, text, feed } = reading({ timeoutMs: 300, maxBytes: 200_000 })
    // 1 KiB every 100 ms for 10 s of fake time: 33 windows of 300 ms, each above the floor.
    await feed(Buffer.alloc(1024, 0x20), 100, 100)
    body.end('{}')
    expect((await text).length).toBe(100 * 1024 + 2)
  })

  it('abandons an answer that is not whole within its limit, however fast it flows', async () => {
    const { text, feed } = reading({ timeoutMs: 5_000, wholeMs: 300 })
    await feed(Buffer.alloc(1024, 0x20), 100, 4)
    const e = await failure(text)
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe('kie.ai test: the answer was not complete within 0.3 s')
  })

  it('refuses an answer larger than its limit, for good', async () => {
    const { body, text } = reading({ timeoutMs: 1_000, maxBytes: 10 })
    body.write('0123456789x')
    const e = await failure(text)
    expect(e).toMatchObject({
      message: 'kie.ai test: answer larger than 10 bytes',
      retryable: false
    })
  })
})

describe('Http against the sandbox', () => {
  let sandbox: Sandbox
  const client = new Http(5_000)

  beforeAll(async () => {
    sandbox = await Sandbox.start()
  })
  afterEach(() => {
    sandbox.clearFaults()
    sandbox.clearRequests()
  })
  afterAll(async () => {
    client.dispose()
    await sandbox.close()
  })

  /** The sandbox's log entry of the first request once it has arrived. */
  async function arrived(): Promise<LoggedRequest> {
    while (sandbox.requests.length === 0) await tick()
    return sandbox.requests[0]
  }

  it('a cancel before the answer destroys the request at once', async () => {
    sandbox.inject({ target: 'file', fault: { kind: 'stall' } })
    const controller = new AbortController()
    const running = client.request({
      method: 'GET',
      url: `${sandbox.fileBaseUrl}/never`,
      what: 'kie.ai test',
      signal: controller.signal
    })
    const entry = await arrived()
    controller.abort()
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    // The host sees the connection end: nothing is left waiting for the answer.
    while (!entry.closedEarly) await tick()
    expect(entry.status).toBeUndefined()
  })

  it('a cancel while reading an answer rejects with CancelledError', async () => {
    sandbox.inject({ target: 'file', fault: { kind: 'drip', bytes: 16, everyMs: 5 } })
    const controller = new AbortController()
    const message = await client.request({
      method: 'GET',
      url: `${sandbox.fileBaseUrl}/endless`,
      what: 'kie.ai test',
      signal: controller.signal
    })
    message.once('data', () => controller.abort())
    await expect(
      readText(message, {
        what: 'kie.ai test',
        maxBytes: 65536,
        timeoutMs: 5_000,
        signal: controller.signal
      })
    ).rejects.toBeInstanceOf(CancelledError)
  })

  it('an aborted signal sends nothing', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      client.request({
        method: 'GET',
        url: `${sandbox.fileBaseUrl}/silent`,
        what: 'kie.ai test',
        signal: controller.signal
      })
    ).rejects.toBeInstanceOf(CancelledError)
    await tick()
    expect(sandbox.requests).toEqual([])
  })
})
