// The Sandbox: the API and file host servers on loopback, and the handle tests drive them with.
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { handleApi } from './api.ts'
import { contentStream } from './content.ts'
import type { SandboxContext } from './context.ts'
import { FaultQueue } from './faults.ts'
import { handleFile } from './files.ts'
import { type RateLimit, TokenBucket } from './rate-limit.ts'
import { FileRegistry } from './registry.ts'
import { Signer } from './signing.ts'
import { StallRelease } from './wire.ts'
import { handleTask, isTaskPath, registerTask } from './tasks.ts'
import type {
  FaultRule,
  FaultTarget,
  LoggedRequest,
  RegisteredFile,
  RegisteredTask,
  RegisterOptions,
  RegisterTaskOptions,
  SandboxOptions
} from './types.ts'

export const DEFAULT_API_KEY = 'sk-sandbox-0123456789abcdef'
const HOST = '127.0.0.1'
// Longer than any client's idle pool timeout, so the sandbox is never the side that races a
// reused connection closed; close() ends idle sockets anyway.
const KEEP_ALIVE_MS = 65_000

type Route = FaultTarget | 'byPath'

export class Sandbox {
  /** API root, e.g. http://127.0.0.1:41234 (no trailing slash; hostNames.api in place of 127.0.0.1). */
  readonly baseUrl: string
  /** File host root; equals baseUrl when fileHost is 'same'. */
  readonly fileBaseUrl: string
  readonly apiKey: string
  /** Every request to either server, in arrival order. */
  readonly requests: LoggedRequest[]
  readonly #ctx: SandboxContext
  readonly #servers: Server[]
  readonly #sockets: Set<Socket>
  readonly #abort: AbortController
  #closed?: Promise<void>

  private constructor(
    ctx: SandboxContext,
    servers: Server[],
    sockets: Set<Socket>,
    abort: AbortController,
    baseUrl: string
  ) {
    this.#ctx = ctx
    this.#servers = servers
    this.#sockets = sockets
    this.#abort = abort
    this.baseUrl = baseUrl
    this.fileBaseUrl = ctx.fileBaseUrl
    this.apiKey = ctx.apiKey
    this.requests = ctx.log
  }

  /** Listen on 127.0.0.1 (ephemeral ports unless given). */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const abort = new AbortController()
    const now = options.now ?? Date.now
    if (options.bytesPerSecond !== undefined && !(options.bytesPerSecond > 0)) {
      throw new RangeError(`bytesPerSecond must be > 0, got ${options.bytesPerSecond}`)
    }
    const ctx: SandboxContext = {
      apiKey: options.apiKey ?? DEFAULT_API_KEY,
      errorStyle: options.errorStyle ?? 'body',
      ttlSeconds: options.signedUrlTtlSeconds ?? 1200,
      latency: { apiMs: options.apiLatencyMs ?? 0, fileMs: options.fileLatencyMs ?? 0 },
      bytesPerSecond: options.bytesPerSecond,
      rateLimit: options.rateLimit && new TokenBucket(options.rateLimit, now()),
      inFlight: { api: 0, file: 0 },
      stalls: new StallRelease(),
      peakInFlight: { api: 0, file: 0 },
      now,
      fileBaseUrl: '',
      signer: new Signer(),
      faults: new FaultQueue(),
      files: new FileRegistry(options.contentCacheBytes),
      log: [],
      signal: abort.signal
    }
    const sockets = new Set<Socket>()
    const scheme = options.tls ? 'https' : 'http'
    const separate = (options.fileHost ?? 'separate') === 'separate'
    const servers = [createServer(ctx, sockets, options, separate ? 'api' : 'byPath')]
    if (separate) servers.push(createServer(ctx, sockets, options, 'file'))
    try {
      const ports = [await listen(servers[0], options.port ?? 0)]
      if (separate) ports.push(await listen(servers[1], options.filePort ?? 0))
      const names = options.hostNames
      const baseUrl = `${scheme}://${names?.api ?? HOST}:${ports[0]}`
      ctx.fileBaseUrl = separate ? `${scheme}://${names?.file ?? HOST}:${ports[1]}` : baseUrl
      return new Sandbox(ctx, servers, sockets, abort, baseUrl)
    } catch (error) {
      for (const server of servers) server.close()
      throw error
    }
  }

  /** Pretend kie.ai generated this file; digests are computed by streaming its content. */
  register(options: RegisterOptions): Promise<RegisteredFile> {
    return this.#ctx.files.register(options, this.#ctx.now())
  }

  /** Pretend kie.ai runs this generation task; its result files are registered too. */
  registerTask(options: RegisterTaskOptions): Promise<RegisteredTask> {
    return registerTask(this.#ctx, options)
  }

  /** Queue a fault; rules are consumed in the order injected, per matching call. */
  inject(rule: FaultRule): void {
    this.#ctx.faults.add(rule)
  }

  /**
   * Ends every stall under way: each stalled answer goes on at once, as if its `ms` were up (a
   * stall without `ms` too). For a test that has seen what it waited for during the stall.
   */
  releaseStalls(): void {
    this.#ctx.stalls.releaseAll()
  }

  /** Drop every fault not consumed yet. */
  clearFaults(): void {
    this.#ctx.faults.clear()
  }

  setLatency(latency: { apiMs?: number; fileMs?: number }): void {
    for (const value of [latency.apiMs, latency.fileMs]) {
      if (value !== undefined && !(value >= 0))
        throw new RangeError(`latency must be >= 0: ${value}`)
    }
    this.#ctx.latency.apiMs = latency.apiMs ?? this.#ctx.latency.apiMs
    this.#ctx.latency.fileMs = latency.fileMs ?? this.#ctx.latency.fileMs
  }

  /** A full bucket of this limit from now on (undefined: no limit); see SandboxOptions.rateLimit. */
  setRateLimit(limit: RateLimit | undefined): void {
    this.#ctx.rateLimit = limit && new TokenBucket(limit, this.#ctx.now())
  }

  /** Forgets the request log, and the peaks of peakInFlight() but for the requests still open. */
  clearRequests(): void {
    // In place, so a reference to `requests` taken earlier stays live.
    this.requests.length = 0
    this.#ctx.peakInFlight = { ...this.#ctx.inFlight }
  }

  /**
   * The most requests each server was answering at once since start or clearRequests(): from the
   * request's arrival until its answer is sent whole (or its connection ends).
   */
  peakInFlight(): Record<FaultTarget, number> {
    return { ...this.#ctx.peakInFlight }
  }

  /** Stream a registered file's exact bytes (for tests that compare content). */
  contentOf(url: string): Readable {
    const stored = this.#ctx.files.byUrl(url)
    if (!stored) throw new Error(`contentOf: not registered: ${url}`)
    return contentStream(stored.spec)
  }

  /** Close both servers, ending every open socket, stalled ones too. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#abort.abort()
      const closing = this.#servers.map(
        server => new Promise<void>(resolve => server.close(() => resolve()))
      )
      for (const socket of this.#sockets) socket.destroy()
      await Promise.all(closing)
    })()
    return this.#closed
  }
}

function createServer(
  ctx: SandboxContext,
  sockets: Set<Socket>,
  options: SandboxOptions,
  route: Route
): Server {
  const handler = (req: IncomingMessage, res: ServerResponse) => dispatch(ctx, route, req, res)
  // Long tests stall on purpose: none of Node's default request/headers deadlines may fire.
  const timeouts = { requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: KEEP_ALIVE_MS }
  const server: Server = options.tls
    ? https.createServer({ ...timeouts, key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(timeouts, handler)
  server.timeout = 0
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return server
}

function dispatch(ctx: SandboxContext, route: Route, req: IncomingMessage, res: ServerResponse) {
  // A client that vanishes mid-answer is routine here; it must not crash the sandbox.
  res.on('error', () => {})
  req.on('error', () => {})
  const raw = req.url ?? '/'
  const q = raw.indexOf('?')
  const path = q < 0 ? raw : raw.slice(0, q)
  const target: FaultTarget =
    route === 'byPath' ? (path.startsWith('/api/') ? 'api' : 'file') : route
  const entry: LoggedRequest = {
    target,
    method: req.method ?? 'GET',
    path,
    query: Object.fromEntries(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))),
    headers: { ...req.headers },
    at: ctx.now()
  }
  ctx.log.push(entry)
  ctx.inFlight[target] += 1
  ctx.peakInFlight[target] = Math.max(ctx.peakInFlight[target], ctx.inFlight[target])
  res.once('close', () => {
    ctx.inFlight[target] -= 1
    if (!res.writableFinished) entry.closedEarly = true
  })
  const handle = target === 'api' ? (isTaskPath(path) ? handleTask : handleApi) : handleFile
  handle(ctx, req, res, entry).catch((error: unknown) => {
    // A bug in the sandbox: answer 500 so the test sees it, rather than hang.
    if (res.headersSent || res.destroyed) return void res.destroy()
    const body = `sandbox error: ${error instanceof Error ? error.stack : String(error)}`
    entry.status = 500
    res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) })
    res.end(body)
  })
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}
