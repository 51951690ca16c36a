import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import nock from 'nock'
import { Destination } from '../src/place/destination.js'
import { type Progress, download } from '../src/download/download.js'
import { Http } from '../src/download/http.js'
import { failure } from './helpers/capture.js'

const body = Buffer.alloc(256 * 1024, 7)
const sha = createHash('sha256').update(body).digest('hex')

let root: string
let dest: Destination
const client = new Http(2_000)

/** Faults nock cannot make: a socket destroyed or closed mid-body, a stall. */
const server = http.createServer((req, res) => {
  const mode = new URL(req.url ?? '/', 'http://x').pathname.slice(1)
  res.setHeader('content-type', 'image/png')
  res.setHeader('content-length', String(body.length))
  if (mode === 'ok') return res.end(body)
  res.write(body.subarray(0, 1000))
  if (mode === 'reset') setTimeout(() => req.socket.destroy(), 20)
  if (mode === 'close') setTimeout(() => req.socket.end(), 20)
  // 'stall': nothing more is sent; the client's idle timeout must end it.
})
let base: string

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  client.dispose()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

beforeEachDest()

function beforeEachDest(): void {
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kie-dl-test-'))
    dest = await Destination.open(path.join(root, 'out'))
  })
  afterEach(() => {
    nock.cleanAll()
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))
}

const leftovers = (): string[] =>
  readdirSync(path.join(root, 'out')).filter(f => f.endsWith('.part'))

describe('download', () => {
  it('streams to a temp file with byte count, sha256 and Content-Type', async () => {
    const got = await download(client, `${base}/ok?X-Amz-Signature=s`, dest, { timeoutMs: 2_000 })
    expect(got).toMatchObject({ bytes: body.length, sha256: sha, contentType: 'image/png' })
    expect(readFileSync(got.tempPath)).toEqual(body)
    rmSync(got.tempPath)
  })

  it('logs progress of a long download about every 5 s, not per chunk', async () => {
    let t = 0
    const seen: Progress[] = []
    // Each chunk "takes" a second on this clock; a 256 KiB body arrives in several chunks.
    const got = await download(client, `${base}/ok`, dest, {
      timeoutMs: 2_000,
      now: () => (t += 1000),
      onProgress: p => seen.push(p)
    })
    rmSync(got.tempPath)
    expect(seen.length).toBeGreaterThan(0)
    // Far fewer lines than chunks, each at least 5 s after the one before.
    expect(seen.length).toBeLessThan(t / 1000 / 4)
    const gaps = seen.slice(1).map((p, i) => p.elapsedMs - seen[i].elapsedMs)
    expect(gaps.filter(gap => gap < 5000)).toEqual([])
    expect(seen.map(p => p.total)).toEqual(seen.map(() => body.length))
  })

  it.each(['reset', 'close'])(
    'a body cut by a %s is never accepted and leaves no temp file',
    async mode => {
      const e = await failure(download(client, `${base}/${mode}`, dest, { timeoutMs: 2_000 }))
      expect(e.retryable).toBe(true)
      expect(leftovers()).toEqual([])
    }
  )

  it('abandons a stalled body after the timeout, retryably, without leftovers', async () => {
    const e = await failure(download(new Http(300), `${base}/stall`, dest, { timeoutMs: 300 }))
    expect(e.retryable).toBe(true)
    expect(e.message).toMatch(/no data for 0.3 s|no answer/)
    expect(leftovers()).toEqual([])
  })

  it('never sends an Authorization header to the file host, across redirects', async () => {
    nock('https://files.example', { badheaders: ['authorization'] })
      .get('/a.png')
      .query(true)
      .reply(302, '', { location: 'https://cdn.example/b.png?X-Amz-Signature=two' })
    nock('https://cdn.example', { badheaders: ['authorization'] })
      .get('/b.png')
      .query({ 'X-Amz-Signature': 'two' })
      .reply(200, 'hello', { 'content-length': '5' })
    const got = await download(client, 'https://files.example/a.png?X-Amz-Signature=one', dest, {
      timeoutMs: 2_000
    })
    expect(got.bytes).toBe(5)
    rmSync(got.tempPath)
  })

  it('refuses a redirect from https to http', async () => {
    nock('https://files.example')
      .get('/a.png')
      .reply(301, '', { location: 'http://files.example/a.png' })
    const e = await failure(
      download(client, 'https://files.example/a.png', dest, { timeoutMs: 2_000 })
    )
    expect(e.message).toMatch(/from https to http/)
    expect(e.retryable).toBe(false)
  })

  it('follows at most 5 redirects', async () => {
    for (let i = 0; i < 6; i++) {
      nock('https://files.example')
        .get(`/r${i}`)
        .reply(302, '', { location: `/r${i + 1}` })
    }
    const e = await failure(
      download(client, 'https://files.example/r0', dest, { timeoutMs: 2_000 })
    )
    expect(e.message).toMatch(/more than 5 times/)
  })

  it.each([403, 400])('an S3 %i with an XML error asks for a fresh signed URL', async status => {
    nock('https://files.example')
      .get('/a.png')
      .query(true)
      .reply(status, '<?xml version="1.0"?><Error><Code>ExpiredRequest</Code></Error>', {
        'content-type': 'application/xml'
      })
    const e = await failure(
      download(client, 'https://files.example/a.png?X-Amz-Signature=old', dest, {
        timeoutMs: 2_000
      })
    )
    expect(e).toMatchObject({ retryable: true, refreshUrl: true })
    expect(e.message).toBe(`file host refused the signed URL (HTTP ${status} ExpiredRequest)`)
  })

  it('a 503 with Retry-After is retryable after that wait; a 404 is final', async () => {
    nock('https://files.example').get('/a.png').reply(503, 'busy', { 'retry-after': '2' })
    nock('https://files.example').get('/b.png').reply(404, 'nope')
    expect(
      await failure(download(client, 'https://files.example/a.png', dest, { timeoutMs: 2_000 }))
    ).toMatchObject({
      retryable: true,
      retryAfterMs: 2000
    })
    expect(
      await failure(download(client, 'https://files.example/b.png', dest, { timeoutMs: 2_000 }))
    ).toMatchObject({
      retryable: false
    })
  })

  it('keeps query strings out of network error messages', async () => {
    const e = await failure(
      download(client, 'http://127.0.0.1:1/a.png?X-Amz-Signature=s3cr3t', dest, {
        timeoutMs: 2_000
      })
    )
    expect(e.message).not.toContain('s3cr3t')
    expect(e.retryable).toBe(true)
  })
})
