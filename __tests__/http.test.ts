import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { CancelledError } from '../src/errors.js'
import { Http, readText } from '../src/util/http.js'
import { failure } from './helpers/capture.js'

/** Answers by path: /trickle 4 bytes a second, /steady 1 KiB every 100 ms for 1 s, /silent never. */
const server = http.createServer((req, res) => {
  const mode = req.url ?? '/'
  if (mode === '/silent') return
  res.writeHead(200, { 'content-type': 'application/json' })
  if (mode === '/trickle') {
    const timer = setInterval(() => res.write('{'), 250)
    res.on('close', () => clearInterval(timer))
    return
  }
  if (mode === '/steady') {
    let sent = 0
    const timer = setInterval(() => {
      res.write(Buffer.alloc(1024, 0x20))
      if (++sent === 10) {
        clearInterval(timer)
        res.end('{}')
      }
    }, 100)
    res.on('close', () => clearInterval(timer))
  }
})
let base: string

const client = new Http(5_000)

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  client.dispose()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

describe('Http and readText', () => {
  it('abandons an answer that trickles in under 1 KiB/s, retryably', async () => {
    const message = await client.request({
      method: 'GET',
      url: `${base}/trickle`,
      what: 'kie.ai test'
    })
    const e = await failure(
      readText(message, { what: 'kie.ai test', maxBytes: 65536, timeoutMs: 1_000 })
    )
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe('kie.ai test: under 1 KiB/s for 1 s')
  })

  it('keeps a slow answer that stays above 1 KiB/s, however long it takes', async () => {
    const message = await client.request({
      method: 'GET',
      url: `${base}/steady`,
      what: 'kie.ai test'
    })
    const text = await readText(message, { what: 'kie.ai test', maxBytes: 65536, timeoutMs: 300 })
    expect(text.length).toBe(10 * 1024 + 2)
  })

  it('abandons an answer that is not whole within its limit, however fast it flows', async () => {
    const message = await client.request({
      method: 'GET',
      url: `${base}/steady`,
      what: 'kie.ai test'
    })
    const e = await failure(
      readText(message, { what: 'kie.ai test', maxBytes: 65536, timeoutMs: 5_000, wholeMs: 300 })
    )
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe('kie.ai test: the answer was not complete within 0.3 s')
  })

  it('a cancel before the answer destroys the request at once', async () => {
    const controller = new AbortController()
    const closed = new Promise<void>(resolve =>
      server.once('request', (req: http.IncomingMessage) => {
        req.socket.once('close', () => resolve())
        controller.abort()
      })
    )
    const running = client.request({
      method: 'GET',
      url: `${base}/silent`,
      what: 'kie.ai test',
      signal: controller.signal
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    // The host sees the connection end: nothing is left waiting for the answer.
    await closed
  })

  it('a cancel while reading an answer rejects with CancelledError', async () => {
    const controller = new AbortController()
    const message = await client.request({
      method: 'GET',
      url: `${base}/trickle`,
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
    let requests = 0
    const count = (): void => void requests++
    server.on('request', count)
    await expect(
      client.request({
        method: 'GET',
        url: `${base}/silent`,
        what: 'kie.ai test',
        signal: controller.signal
      })
    ).rejects.toBeInstanceOf(CancelledError)
    server.off('request', count)
    expect(requests).toBe(0)
  })
})
