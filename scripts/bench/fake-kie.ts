// A loopback kie.ai for the benchmark: download-url behind a token bucket, and a file host with latency and per-connection bandwidth.
import { randomBytes } from 'node:crypto'
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface FakeKieOptions {
  /** Delay before every API answer (ms). */
  apiLatencyMs?: number
  /** Delay before the file host's status line (ms). */
  firstByteMs?: number
  /** Bytes per second per connection; unshaped when unset. */
  bytesPerSecond?: number
  /**
   * kie.ai's rate limit as a token bucket: `ratePerSecond` tokens a second, at most `burst`; a call
   * without a token gets kie.ai's body-style answer, HTTP 200 `{"code":429}` with no Retry-After.
   */
  bucket?: { ratePerSecond: number; burst: number }
}

export const API_KEY = 'sk-bench-0123456789abcdef'
export const URL_PREFIX = 'https://tempfile.aiquickdraw.com/bench/'

/**
 * File content: a block of a prime length, read at the file offset modulo that length, so a
 * byte served at the wrong offset (a bad ranged assembly) changes the file's hash.
 */
const PERIOD = 65_521
const PATTERN = (() => {
  const block = randomBytes(PERIOD)
  return Buffer.concat([block, block])
})()
/** Under PERIOD, so one chunk is always one slice of PATTERN. */
const CHUNK = 60 * 1024

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  mp4: 'video/mp4',
  bin: 'application/octet-stream'
}

export interface FakeKieCounters {
  apiCalls: number
  rateLimited: number
  fileGets: number
  /** Date.now() when the first request of the run arrived (either server). */
  firstRequestEpoch?: number
}

export class FakeKie {
  readonly baseUrl: string
  readonly fileBaseUrl: string
  readonly apiKey = API_KEY
  counters: FakeKieCounters = { apiCalls: 0, rateLimited: 0, fileGets: 0 }
  private readonly options: FakeKieOptions
  private readonly files = new Map<string, number>()
  private readonly servers: Server[]
  private readonly sockets = new Set<Socket>()
  private tokens = 0
  private refilledAt = 0

  private constructor(options: FakeKieOptions, servers: Server[], ports: number[]) {
    this.options = options
    this.servers = servers
    this.baseUrl = `http://127.0.0.1:${ports[0]}`
    this.fileBaseUrl = `http://127.0.0.1:${ports[1]}`
    this.reset()
  }

  static async start(options: FakeKieOptions = {}): Promise<FakeKie> {
    // The handlers need the instance, and the instance needs the servers' ports: tie the knot late.
    const holder: { fake?: FakeKie } = {}
    const route = (handler: 'api' | 'file') => (req: IncomingMessage, res: ServerResponse) => {
      res.on('error', () => {})
      req.on('error', () => {})
      const self = holder.fake as FakeKie
      self.counters.firstRequestEpoch ??= Date.now()
      const work = handler === 'api' ? self.api(req, res) : self.file(req, res)
      work.catch(() => res.destroy())
    }
    const servers = [http.createServer(route('api')), http.createServer(route('file'))]
    const ports: number[] = []
    for (const server of servers) {
      server.keepAliveTimeout = 65_000
      ports.push(
        await new Promise<number>(resolve =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
        )
      )
    }
    const fake = new FakeKie(options, servers, ports)
    holder.fake = fake
    for (const server of servers) {
      server.on('connection', (socket: Socket) => {
        fake.sockets.add(socket)
        socket.on('close', () => fake.sockets.delete(socket))
      })
    }
    return fake
  }

  /** Pretend kie.ai generated `name` (e.g. `a-1.png`) with `size` bytes; returns its kie.ai URL. */
  add(name: string, size: number): string {
    this.files.set(name, size)
    return URL_PREFIX + name
  }

  /** A fresh run: counters zeroed, the token bucket full. */
  reset(): void {
    this.counters = { apiCalls: 0, rateLimited: 0, fileGets: 0 }
    this.tokens = this.options.bucket?.burst ?? 0
    this.refilledAt = performance.now()
  }

  close(): Promise<void> {
    const closing = this.servers.map(s => new Promise<void>(resolve => s.close(() => resolve())))
    for (const socket of this.sockets) socket.destroy()
    return Promise.all(closing).then(() => undefined)
  }

  private takeToken(): boolean {
    const bucket = this.options.bucket
    if (!bucket) return true
    const now = performance.now()
    this.tokens = Math.min(
      bucket.burst,
      this.tokens + ((now - this.refilledAt) / 1000) * bucket.ratePerSecond
    )
    this.refilledAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  private async api(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    this.counters.apiCalls++
    // The bucket is checked on arrival, as a gateway in front of the API would.
    const allowed = this.takeToken()
    if (this.options.apiLatencyMs) await sleep(this.options.apiLatencyMs)
    const reply = (body: object): void => {
      const text = JSON.stringify(body)
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text)
      })
      res.end(text)
    }
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      return reply({ code: 401, msg: 'You do not have access permissions', data: null })
    }
    if (!allowed) {
      this.counters.rateLimited++
      return reply({ code: 429, msg: 'Rate limit exceeded', data: null })
    }
    let url = ''
    try {
      url = String((JSON.parse(Buffer.concat(chunks).toString()) as { url?: unknown }).url)
    } catch {
      // Falls through to the 422 below.
    }
    const name = url.startsWith(URL_PREFIX) ? url.slice(URL_PREFIX.length) : ''
    if (!this.files.has(name)) {
      return reply({ code: 422, msg: 'The file URL is invalid or expired', data: null })
    }
    const signature = randomBytes(32).toString('hex')
    reply({
      code: 200,
      msg: 'success',
      data: `${this.fileBaseUrl}/f/${encodeURIComponent(name)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=1200&X-Amz-Signature=${signature}`
    })
  }

  private async file(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.fileGets++
    const raw = req.url ?? '/'
    const name = decodeURIComponent(raw.split('?')[0].replace(/^\/f\//, ''))
    const size = this.files.get(name)
    if (this.options.firstByteMs) await sleep(this.options.firstByteMs)
    if (size === undefined || !/X-Amz-Signature=/.test(raw)) {
      res.writeHead(404, { 'content-length': 0 })
      return void res.end()
    }
    let start = 0
    let end = size - 1
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''))
    if (range && (range[1] || range[2])) {
      start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]))
      end = range[1] && range[2] ? Math.min(size - 1, Number(range[2])) : size - 1
    }
    const headers: Record<string, string | number> = {
      'content-type': CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      etag: `"${size.toString(16)}"`
    }
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`
    res.writeHead(range ? 206 : 200, headers)
    if (req.method === 'HEAD') return void res.end()
    await send(res, start, end + 1, this.options.bytesPerSecond)
  }
}

/** Writes bytes [from, to) of the pattern, at most `bytesPerSecond` when given, minding backpressure. */
async function send(
  res: ServerResponse,
  from: number,
  to: number,
  bytesPerSecond?: number
): Promise<void> {
  const started = performance.now()
  let closed = false
  res.once('close', () => (closed = true))
  for (let at = from; at < to && !closed;) {
    const n = Math.min(CHUNK, to - at)
    const offset = at % PERIOD
    const ok = res.write(PATTERN.subarray(offset, offset + n))
    at += n
    if (!ok) {
      await new Promise<void>(resolve => {
        const done = (): void => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.once('drain', done)
        res.once('close', done)
      })
    }
    if (bytesPerSecond) {
      const due = started + ((at - from) / bytesPerSecond) * 1000
      const wait = due - performance.now()
      if (wait >= 1) await sleep(wait)
    }
  }
  if (!closed) res.end()
}
