import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { realClock } from '../src/util/clock.js'
import { runAction } from './helpers/run-action.js'

/**
 * A loopback API + file host that counts requests in flight, answers slowly, and makes every
 * entry's first download attempt a 503 with a short Retry-After, so entries sleep between tries.
 */
const inFlight = { api: 0, file: 0 }
const peak = { api: 0, file: 0 }
const refused = new Set<string>()
let base: string
const server = http.createServer((req, res) => {
  const kind = req.url?.startsWith('/api/') ? 'api' : 'file'
  inFlight[kind]++
  peak[kind] = Math.max(peak[kind], inFlight[kind])
  let body = ''
  req.on('data', (d: Buffer) => (body += d.toString()))
  req.on('end', () =>
    setTimeout(() => {
      inFlight[kind]--
      if (kind === 'api') {
        const name = new URL(JSON.parse(body).url).pathname
        res.setHeader('content-type', 'application/json')
        return res.end(
          JSON.stringify({ code: 200, msg: 'success', data: `${base}${name}?X-Amz-Signature=s` })
        )
      }
      const name = new URL(req.url ?? '/', base).pathname
      if (!refused.has(name)) {
        refused.add(name)
        res.writeHead(503, { 'retry-after': '0.05' })
        return res.end()
      }
      res.end(`content of ${name}`)
    }, 15)
  )
})

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

describe('concurrency', () => {
  it('never has more than `concurrency` API calls or downloads in flight, also while entries sleep between retries', async () => {
    const urls = Array.from(
      { length: 24 },
      (_, i) => `https://tempfile.aiquickdraw.com/v/c${i}.png`
    )
    const r = await runAction(
      { 'api-key': 'k', 'base-url': base, urls: urls.join('\n'), concurrency: '3' },
      { deps: { clock: realClock } }
    )
    expect(r.files.map(f => f.status)).toEqual(urls.map(() => 'downloaded'))
    expect(refused.size).toBe(24)
    expect(peak.api).toBe(3)
    expect(peak.file).toBe(3)
  })
})
