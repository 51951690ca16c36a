import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import nock from 'nock'
import { CancelledError } from '../src/errors.js'
import { Destination } from '../src/place/destination.js'
import { type ResponseInfo, download } from '../src/download/download.js'
import type { Progress } from '../src/results.js'
import { realClock } from '../src/util/clock.js'
import { Http, readText } from '../src/util/http.js'
import { COMMON_PATH, type Fault, type RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { captureStdout, failure } from './helpers/capture.js'

const body = Buffer.alloc(256 * 1024, 7)
/** Small enough for the small path (read whole, written at once). */
const small = Buffer.alloc(2048, 9)
const sha = createHash('sha256').update(body).digest('hex')

let root: string
let dest: Destination
const client = new Http(2_000)

/** Faults nock cannot make: a socket destroyed or closed mid-body, a stall. */
const server = http.createServer((req, res) => {
  const mode = new URL(req.url ?? '/', 'http://x').pathname.slice(1)
  res.setHeader('content-type', 'image/png')
  if (mode === 'gzip-garbage' || mode === 'zstd') {
    res.setHeader('content-encoding', mode === 'zstd' ? 'zstd' : 'gzip')
    return res.end(body)
  }
  if (mode === 'small' || mode === 'small-cut' || mode === 'small-stall') {
    res.setHeader('content-length', String(small.length))
    if (mode === 'small') return res.end(small)
    res.write(small.subarray(0, 1000))
    // 'small-stall': nothing more is sent.
    if (mode === 'small-cut') setTimeout(() => req.socket.end(), 20)
    return
  }
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

const cleanups: (() => void)[] = []
/** Runs `fn` after the current test, pass or fail. */
function afterThis(fn: () => void): void {
  cleanups.push(fn)
}
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn()
})

const leftovers = (): string[] =>
  readdirSync(path.join(root, 'out')).filter(f => f.endsWith('.part'))

describe('download', () => {
  it('streams to a temp file with byte count, sha256 and Content-Type', async () => {
    const got = await download(client, `${base}/ok?X-Amz-Signature=s`, dest, { timeoutMs: 2_000 })
    expect(got).toMatchObject({ bytes: body.length, sha256: sha, contentType: 'image/png' })
    expect(readFileSync(got.tempPath)).toEqual(body)
    rmSync(got.tempPath)
  })

  it('writes a small body as it comes: bytes, sha256, the mtime of the temp file', async () => {
    const got = await download(client, `${base}/small`, dest, { timeoutMs: 2_000 })
    expect(got).toMatchObject({
      bytes: small.length,
      sha256: createHash('sha256').update(small).digest('hex'),
      mtimeMs: statSync(got.tempPath).mtimeMs
    })
    expect(readFileSync(got.tempPath)).toEqual(small)
    rmSync(got.tempPath)
  })

  it('never accepts a small body cut short, and leaves no temp file', async () => {
    const e = await failure(download(client, `${base}/small-cut`, dest, { timeoutMs: 2_000 }))
    expect(e.retryable).toBe(true)
    expect(leftovers()).toEqual([])
  })

  it('a cancel as the answer of a small body comes rejects with CancelledError, without leftovers', async () => {
    const controller = new AbortController()
    const running = download(client, `${base}/small`, dest, {
      timeoutMs: 2_000,
      signal: controller.signal,
      onResponse: () => controller.abort()
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(leftovers()).toEqual([])
  })

  it('abandons a small body that stalls, retryably, without leftovers', async () => {
    const e = await failure(
      download(new Http(300), `${base}/small-stall`, dest, { timeoutMs: 300 })
    )
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toMatch(/^download stalled: no data for 0.3 s/)
    expect(leftovers()).toEqual([])
  })

  it('a cancel during a small body rejects with CancelledError at once, without leftovers', async () => {
    const controller = new AbortController()
    const running = download(client, `${base}/small-stall`, dest, {
      timeoutMs: 60_000,
      signal: controller.signal,
      onResponse: () => setTimeout(() => controller.abort(), 20)
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(leftovers()).toEqual([])
  })

  it('logs progress of a long download about every 5 s, not per chunk', async () => {
    let t = 0
    const seen: Progress[] = []
    // Each chunk "takes" a second on this clock; a 256 KiB body arrives in several chunks.
    const got = await download(client, `${base}/ok`, dest, {
      timeoutMs: 2_000,
      clock: { ...realClock, now: () => (t += 1000) },
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
    // The hop's signed URL is masked: the runner command is kept out of the test output.
    const stdout = captureStdout()
    afterThis(stdout.restore)
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

  it('a 503 with Retry-After is retryable after that wait; a 501 is final', async () => {
    nock('https://files.example').get('/a.png').reply(503, 'busy', { 'retry-after': '2' })
    nock('https://files.example').get('/b.png').reply(501, 'nope')
    expect(
      await failure(download(client, 'https://files.example/a.png', dest, { timeoutMs: 2_000 }))
    ).toMatchObject({
      retryable: true,
      retryAfterMs: 2000
    })
    expect(
      await failure(download(client, 'https://files.example/b.png', dest, { timeoutMs: 2_000 }))
    ).toMatchObject({
      retryable: false,
      refreshUrl: false
    })
  })

  it.each([
    [404, 'NoSuchKey', 'file host answered HTTP 404 NoSuchKey'],
    [410, 'Gone', 'file host answered HTTP 410 Gone'],
    [403, 'AccessDenied', 'file host refused the signed URL (HTTP 403 AccessDenied)']
  ])(
    'a %i (%s) asks for a fresh signed URL and says the file may be gone',
    async (status, code, message) => {
      nock('https://files.example')
        .get('/a.png')
        .query(true)
        .reply(status, `<?xml version="1.0"?><Error><Code>${code}</Code></Error>`)
      const e = await failure(
        download(client, 'https://files.example/a.png?X-Amz-Signature=s', dest, {
          timeoutMs: 2_000
        })
      )
      expect(e).toMatchObject({ refreshUrl: true, gone: true, message })
    }
  )

  it('a 400, a 403 that blames the signature, or a Cloudflare 403 asks for a fresh URL without saying the file is gone', async () => {
    nock('https://files.example').get('/a.png').reply(400, '<Error><Code>BadRequest</Code></Error>')
    nock('https://files.example').get('/b.png').reply(403, 'error code: 1010')
    nock('https://files.example')
      .get('/c.png')
      .reply(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>')
    nock('https://files.example')
      .get('/d.png')
      .reply(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>')
    for (const name of ['a', 'b', 'c', 'd']) {
      const e = await failure(
        download(client, `https://files.example/${name}.png`, dest, { timeoutMs: 2_000 })
      )
      expect(e).toMatchObject({ refreshUrl: true, gone: false })
    }
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

describe('download from hosts that bend HTTP', () => {
  let sandbox: Sandbox
  let file: RegisteredFile

  beforeAll(async () => {
    sandbox = await Sandbox.start()
    file = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/v/bent.png',
      size: 300_000
    })
  })
  afterEach(() => {
    sandbox.clearFaults()
    sandbox.clearRequests()
  })
  afterAll(() => sandbox.close())

  /** A signed URL for the file, as the API hands it out. */
  async function signed(): Promise<string> {
    const message = await client.request({
      method: 'POST',
      url: sandbox.baseUrl + COMMON_PATH,
      what: 'sandbox',
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: file.url })
    })
    return (
      JSON.parse(
        await readText(message, { what: 'sandbox', maxBytes: 65536, timeoutMs: 5000 })
      ) as { data: string }
    ).data
  }

  function inject(fault: Fault): void {
    sandbox.inject({ target: 'file', url: file.url, fault })
  }

  it('a 206 to a request without Range is not the file, and worth another try', async () => {
    inject({ kind: 'partial' })
    const e = await failure(download(client, await signed(), dest, { timeoutMs: 2_000 }))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toMatch(/206 Partial Content/)
    expect(sandbox.requests.find(r => r.target === 'file')?.status).toBe(206)
    expect(leftovers()).toEqual([])
  })

  it('a 200 whose Content-Range does not cover the whole body is not the file', async () => {
    inject({ kind: 'partial', status: 200, bytes: 1000 })
    const e = await failure(download(client, await signed(), dest, { timeoutMs: 2_000 }))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe(
      `file host sent Content-Range "bytes 0-999/${file.size}", which is not the whole file`
    )
    expect(leftovers()).toEqual([])
  })

  it('a 200 whose Content-Range is the whole body is the file', async () => {
    inject({ kind: 'partial', status: 200, bytes: file.size })
    const got = await download(client, await signed(), dest, { timeoutMs: 2_000 })
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256 })
    rmSync(got.tempPath)
  })

  it.each(['gzip', 'deflate', 'deflate-raw', 'br'] as const)(
    'decodes a %s body: the file, its size and sha256 are the decoded ones',
    async encoding => {
      inject({ kind: 'encode', encoding })
      const seen: ResponseInfo[] = []
      const got = await download(client, await signed(), dest, {
        timeoutMs: 2_000,
        onResponse: info => seen.push(info)
      })
      const entry = sandbox.requests.find(r => r.target === 'file')
      expect(entry?.fault).toBe('encode')
      expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256, contentType: 'image/png' })
      expect(createHash('sha256').update(readFileSync(got.tempPath)).digest('hex')).toBe(
        file.sha256
      )
      // The encoded length says nothing of the file's size.
      expect(seen).toEqual([{ contentType: 'image/png', total: null }])
      rmSync(got.tempPath)
    }
  )

  it('a body that does not decode is a retryable failure without leftovers', async () => {
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'redirect', location: `${base}/gzip-garbage` }
    })
    const e = await failure(download(client, await signed(), dest, { timeoutMs: 2_000 }))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toMatch(/^could not decode the gzip body/)
    expect(leftovers()).toEqual([])
  })

  it('refuses a Content-Encoding it cannot decode rather than save encoded bytes', async () => {
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'redirect', location: `${base}/zstd` }
    })
    const e = await failure(download(client, await signed(), dest, { timeoutMs: 2_000 }))
    expect(e.message).toMatch(/Content-Encoding "zstd"/)
    expect(leftovers()).toEqual([])
  })

  it('abandons a trickle that keeps the idle timer happy, as a stall', async () => {
    // 4 bytes a second: a byte every 250 ms never lets a 1 s idle timer fire.
    inject({ kind: 'trickle', bytesPerSecond: 4 })
    const e = await failure(download(client, await signed(), dest, { timeoutMs: 1_000 }))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toMatch(/^download stalled: /)
    expect(leftovers()).toEqual([])
  })

  it('tells the facts of the answer once, before the body has come', async () => {
    inject({ kind: 'stall', afterBytes: 1000 })
    const controller = new AbortController()
    const seen: ResponseInfo[] = []
    const running = download(client, await signed(), dest, {
      timeoutMs: 10_000,
      signal: controller.signal,
      onResponse: info => {
        seen.push(info)
        controller.abort()
      }
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(seen).toEqual([{ contentType: 'image/png', total: file.size }])
  })

  it('a cancel mid-body removes the temp file and rejects with CancelledError', async () => {
    inject({ kind: 'stall', afterBytes: 100_000 })
    const controller = new AbortController()
    let t = 0
    let tempSeen: string[] = []
    const running = download(client, await signed(), dest, {
      timeoutMs: 10_000,
      signal: controller.signal,
      // Every write "takes" 10 s on this clock, so the first one reports progress.
      clock: { ...realClock, now: () => (t += 10_000) },
      onProgress: () => {
        tempSeen = leftovers()
        controller.abort()
      }
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(tempSeen).toHaveLength(1)
    expect(leftovers()).toEqual([])
  })

  it('a cancel before the answer rejects with CancelledError at once', async () => {
    inject({ kind: 'stall' })
    const controller = new AbortController()
    const running = download(client, await signed(), dest, {
      timeoutMs: 60_000,
      signal: controller.signal
    })
    // Once the request reached the host, which never answers.
    while (!sandbox.requests.some(r => r.target === 'file')) await new Promise(r => setImmediate(r))
    controller.abort()
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(leftovers()).toEqual([])
  })

  it('an aborted signal sends nothing', async () => {
    const url = await signed()
    const controller = new AbortController()
    controller.abort()
    await expect(
      download(client, url, dest, { timeoutMs: 2_000, signal: controller.signal })
    ).rejects.toBeInstanceOf(CancelledError)
    expect(sandbox.requests.filter(r => r.target === 'file')).toEqual([])
  })
})
