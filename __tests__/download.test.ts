import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setImmediate as tick } from 'node:timers/promises'
import { CancelledError } from '../src/errors.js'
import { Destination } from '../src/place/destination.js'
import { type DownloadOptions, type ResponseInfo, download } from '../src/download/download.js'
import type { Progress } from '../src/results.js'
import { realClock } from '../src/util/clock.js'
import { Http } from '../src/util/http.js'
import { type Fault, type RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { captureStdout, failure } from './helpers/capture.js'
import { signedUrl } from './helpers/signed-url.js'

/*
 * download() against the sandbox's file host, one fault at a time. Waits that are the point (the
 * Watchdog's rules) are proven on fake timers in http.test.ts; here a stall needs only a short
 * timeout to show that download() ends it cleanly.
 */

let sandbox: Sandbox
/** Streamed into its temp file (bigger than the small path). */
let big: RegisteredFile
/** Small enough for the small path (read whole, written at once). */
let small: RegisteredFile
/** Sent encoded: the sandbox encodes it whole before answering, so it is kept small. */
let coded: RegisteredFile
let root: string
let dest: Destination
const client = new Http(5_000)
/** For stalls: long enough for the first bytes, short enough not to wait for long. */
const STALL_MS = 50

beforeAll(async () => {
  sandbox = await Sandbox.start()
  big = await sandbox.register({
    url: 'https://tempfile.aiquickdraw.com/v/bent.png',
    size: 300_000
  })
  small = await sandbox.register({
    url: 'https://tempfile.aiquickdraw.com/v/small.png',
    size: 2048
  })
  coded = await sandbox.register({
    url: 'https://tempfile.aiquickdraw.com/v/coded.png',
    size: 100_000
  })
  root = mkdtempSync(path.join(os.tmpdir(), 'kie-dl-test-'))
  dest = await Destination.open(path.join(root, 'out'))
})

afterEach(() => {
  sandbox.clearFaults()
  sandbox.clearRequests()
  for (const name of readdirSync(path.join(root, 'out'))) rmSync(path.join(root, 'out', name))
})

afterAll(async () => {
  client.dispose()
  await sandbox.close()
  rmSync(root, { recursive: true, force: true })
})

const leftovers = (): string[] =>
  readdirSync(path.join(root, 'out')).filter(f => f.endsWith('.part'))
const fileRequests = () => sandbox.requests.filter(r => r.target === 'file')

function inject(fault: Fault, file = big, times = 1): void {
  sandbox.inject({ target: 'file', url: file.url, fault, times })
}

/** Downloads `file` through a freshly signed URL. */
async function fetchFile(file: RegisteredFile, options: Partial<DownloadOptions> = {}) {
  const url = await signedUrl(sandbox, client, file.url)
  return download(client, url, dest, { timeoutMs: 2_000, ...options })
}

describe('download', () => {
  it('streams to a temp file with byte count, sha256 and Content-Type', async () => {
    const got = await fetchFile(big)
    expect(got).toMatchObject({ bytes: big.size, sha256: big.sha256, contentType: 'image/png' })
    expect(createHash('sha256').update(readFileSync(got.tempPath)).digest('hex')).toBe(big.sha256)
  })

  it('writes a small body as it comes: bytes, sha256, the mtime of the temp file', async () => {
    const got = await fetchFile(small)
    expect(got).toMatchObject({
      bytes: small.size,
      sha256: small.sha256,
      mtimeMs: statSync(got.tempPath).mtimeMs
    })
    expect(createHash('sha256').update(readFileSync(got.tempPath)).digest('hex')).toBe(small.sha256)
  })

  it.each(['reset', 'close'] as const)(
    'never accepts a body cut by a %s, small or not, and leaves no temp file',
    async mode => {
      for (const file of [small, big]) {
        inject({ kind: 'cut', afterBytes: 1000, mode }, file)
        const e = await failure(fetchFile(file))
        expect(e.retryable).toBe(true)
        expect(leftovers()).toEqual([])
      }
    }
  )

  it.each([
    ['small', () => small],
    ['streamed', () => big]
  ])('abandons a %s body that stalls, retryably, without leftovers', async (_, file) => {
    inject({ kind: 'stall', afterBytes: 1000 }, file())
    const e = await failure(fetchFile(file(), { timeoutMs: STALL_MS }))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe(`download stalled: no data for ${STALL_MS / 1000} s`)
    expect(leftovers()).toEqual([])
  })

  it('abandons a trickle that keeps the idle timer happy, as a stall', async () => {
    // 100 bytes a second in slices every 100 ms: never idle for 300 ms (a margin of 3 slices for a
    // busy machine), far under 1 KiB/s: the rate rule ends it, not the idle one.
    inject({ kind: 'trickle', bytesPerSecond: 100 })
    const e = await failure(fetchFile(big, { timeoutMs: 300 }))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe('download stalled: under 1 KiB/s for 0.3 s')
    expect(leftovers()).toEqual([])
  })

  it('a cancel as the answer of a small body comes rejects with CancelledError, without leftovers', async () => {
    const controller = new AbortController()
    const running = fetchFile(small, {
      signal: controller.signal,
      onResponse: () => controller.abort()
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(leftovers()).toEqual([])
  })

  it('a cancel during a small body rejects with CancelledError at once, without leftovers', async () => {
    inject({ kind: 'stall', afterBytes: 1000 }, small)
    const controller = new AbortController()
    const running = fetchFile(small, {
      timeoutMs: 60_000,
      signal: controller.signal,
      onResponse: () => setImmediate(() => controller.abort())
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(leftovers()).toEqual([])
  })

  it('logs progress of a long download about every 5 s, not per chunk', async () => {
    let t = 0
    const seen: Progress[] = []
    // Each write "takes" a second on this clock; a 300 KB body arrives in several writes.
    await fetchFile(big, {
      clock: { ...realClock, now: () => (t += 1000) },
      onProgress: p => seen.push(p)
    })
    expect(seen.length).toBeGreaterThan(0)
    // Far fewer lines than writes, each at least 5 s after the one before.
    expect(seen.length).toBeLessThan(t / 1000 / 4)
    const gaps = seen.slice(1).map((p, i) => p.elapsedMs - seen[i].elapsedMs)
    expect(gaps.filter(gap => gap < 5000)).toEqual([])
    expect(seen.map(p => p.total)).toEqual(seen.map(() => big.size))
  })

  it('never sends an Authorization header to the file host, across redirects', async () => {
    // The hop's signed URL is masked: the runner command is kept out of the test output.
    const stdout = captureStdout()
    try {
      inject({ kind: 'redirect', location: await signedUrl(sandbox, client, big.url) })
      const got = await fetchFile(big)
      expect(got.bytes).toBe(big.size)
    } finally {
      stdout.restore()
    }
    expect(fileRequests().map(r => r.status)).toEqual([302, 200])
    // The sandbox's file host also refuses any request that carries one (400).
    expect(fileRequests().every(r => r.headers.authorization === undefined)).toBe(true)
  })

  it('follows at most 5 redirects', async () => {
    inject({ kind: 'redirect', location: await signedUrl(sandbox, client, big.url) }, big, 6)
    const e = await failure(fetchFile(big))
    expect(e.message).toBe('file host redirected more than 5 times')
    expect(fileRequests()).toHaveLength(6)
  })

  it('an S3 403 with an XML error asks for a fresh signed URL', async () => {
    const body = '<?xml version="1.0"?><Error><Code>ExpiredRequest</Code></Error>'
    inject({ kind: 'status', status: 403, body, contentType: 'application/xml' })
    const e = await failure(fetchFile(big))
    expect(e).toMatchObject({ retryable: true, refreshUrl: true, gone: false })
    expect(e.message).toBe('file host refused the signed URL (HTTP 403 ExpiredRequest)')
  })

  it('a file gone from its host asks for a fresh signed URL and says the file may be gone', async () => {
    const gone = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/v/gone.png',
      size: 1000,
      gone: 404
    })
    const e = await failure(fetchFile(gone))
    expect(e).toMatchObject({ refreshUrl: true, gone: true })
    expect(e.message).toBe('file host answered HTTP 404 NoSuchKey')
  })

  it('a 503 with Retry-After is retryable after that wait', async () => {
    inject({ kind: 'status', status: 503, retryAfter: '2' })
    expect(await failure(fetchFile(big))).toMatchObject({ retryable: true, retryAfterMs: 2000 })
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
  it('a 206 to a request without Range is not the file, and worth another try', async () => {
    inject({ kind: 'partial' })
    const e = await failure(fetchFile(big))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toMatch(/206 Partial Content/)
    expect(fileRequests()[0]?.status).toBe(206)
    expect(leftovers()).toEqual([])
  })

  it('a 200 whose Content-Range does not cover the whole body is not the file', async () => {
    inject({ kind: 'partial', status: 200, bytes: 1000 })
    const e = await failure(fetchFile(big))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toBe(
      `file host sent Content-Range "bytes 0-999/${big.size}", which is not the whole file`
    )
    expect(leftovers()).toEqual([])
  })

  it('a 200 whose Content-Range is the whole body is the file', async () => {
    inject({ kind: 'partial', status: 200, bytes: big.size })
    expect(await fetchFile(big)).toMatchObject({ bytes: big.size, sha256: big.sha256 })
  })

  it.each(['gzip', 'deflate', 'deflate-raw', 'br'] as const)(
    'decodes a %s body: the file, its size and sha256 are the decoded ones',
    async encoding => {
      inject({ kind: 'encode', encoding }, coded)
      const seen: ResponseInfo[] = []
      const got = await fetchFile(coded, { onResponse: info => seen.push(info) })
      expect(fileRequests()[0]?.fault).toBe('encode')
      expect(got).toMatchObject({
        bytes: coded.size,
        sha256: coded.sha256,
        contentType: 'image/png'
      })
      const onDisk = createHash('sha256').update(readFileSync(got.tempPath)).digest('hex')
      expect(onDisk).toBe(coded.sha256)
      // The encoded length says nothing of the file's size.
      expect(seen).toEqual([{ contentType: 'image/png', total: null }])
    }
  )

  it('a body that does not decode is a retryable failure without leftovers', async () => {
    inject({ kind: 'mislabel', encoding: 'gzip' })
    const e = await failure(fetchFile(big))
    expect(e).toMatchObject({ retryable: true })
    expect(e.message).toMatch(/^could not decode the gzip body/)
    expect(leftovers()).toEqual([])
  })

  it('refuses a Content-Encoding it cannot decode rather than save encoded bytes', async () => {
    inject({ kind: 'mislabel', encoding: 'zstd' })
    const e = await failure(fetchFile(big))
    expect(e.message).toMatch(/Content-Encoding "zstd"/)
    expect(leftovers()).toEqual([])
  })

  it('tells the facts of the answer once, before the body has come', async () => {
    inject({ kind: 'stall', afterBytes: 1000 })
    const controller = new AbortController()
    const seen: ResponseInfo[] = []
    const running = fetchFile(big, {
      timeoutMs: 10_000,
      signal: controller.signal,
      onResponse: info => {
        seen.push(info)
        controller.abort()
      }
    })
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(seen).toEqual([{ contentType: 'image/png', total: big.size }])
  })

  it('a cancel mid-body removes the temp file and rejects with CancelledError', async () => {
    inject({ kind: 'stall', afterBytes: 100_000 })
    const controller = new AbortController()
    let t = 0
    let tempSeen: string[] = []
    const running = fetchFile(big, {
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
    const running = fetchFile(big, { timeoutMs: 60_000, signal: controller.signal })
    // Once the request reached the host, which never answers.
    while (!fileRequests().length) await tick()
    controller.abort()
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(leftovers()).toEqual([])
  })

  it('an aborted signal sends nothing', async () => {
    const url = await signedUrl(sandbox, client, big.url)
    const controller = new AbortController()
    controller.abort()
    await expect(
      download(client, url, dest, { timeoutMs: 2_000, signal: controller.signal })
    ).rejects.toBeInstanceOf(CancelledError)
    expect(fileRequests()).toEqual([])
  })
})
