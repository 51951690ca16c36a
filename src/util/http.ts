// HTTP for the API and the file host: @actions/http-client, keep-alive direct and through a proxy, timeouts, cancellation, errors without queries.
import { HttpClient, type HttpClientResponse } from '@actions/http-client'
import http, { type Agent, type ClientRequest, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Transform, type TransformCallback } from 'node:stream'
import { USER_AGENT } from '../constants.js'
import { CancelledError, TransferError } from '../errors.js'
import { classify } from './retry.js'
import { proxyFor, tunnelAgent } from './proxy.js'

export type Headers = Record<string, string>

/** One request for Http.request. */
export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  /** Names the host in error messages, without the URL's query. */
  what: string
  headers?: Headers
  body?: string
  /** Aborting it destroys the request at once, before or after the headers. */
  signal?: AbortSignal
}
type RequestInfo = Parameters<HttpClient['requestRaw']>[0]

/**
 * The slowest transfer worth waiting for: a body that brings fewer bytes than this per second,
 * averaged over `timeout` seconds, is abandoned like a stall (a trickle of one byte a second
 * would otherwise keep an idle timer happy forever).
 */
export const MIN_BYTES_PER_SECOND = 1024

/**
 * Clients for plain requests: no automatic redirects (the caller checks every hop), no retries of
 * their own (the one retry policy lives in retry.ts), keep-alive so a batch reuses connections,
 * direct or through the proxy that http-client's rules pick (proxy.ts).
 */
export class Http {
  // http-client keeps one agent per client whatever the protocol, so http and https get a client each.
  private readonly clients = new Map<string, HttpClient>()
  /**
   * Behind a proxy, the tunnel agents, by target protocol and proxy: http-client's own proxy agent
   * (`tunnel`) keeps no tunnel alive, so each request would pay a new CONNECT and TLS handshake.
   */
  private readonly tunnels = new Map<string, Promise<Agent>>()
  private readonly timeoutMs: number
  private readonly maxTunnelsPerHost: number

  /**
   * `maxTunnelsPerHost` caps the tunnels open to one host through a proxy (the run's concurrency:
   * its requests to one host never need more); direct connections are left to the pipeline's own
   * bounds, as before.
   */
  constructor(timeoutMs: number, maxTunnelsPerHost = Infinity) {
    this.timeoutMs = timeoutMs
    this.maxTunnelsPerHost = maxTunnelsPerHost
  }

  /**
   * Sends one request and returns once the status line and headers arrived. An abort of `signal`
   * destroys the request at once, before or after the headers, and rejects with CancelledError.
   */
  async request({
    method,
    url,
    what,
    headers = {},
    body,
    signal
  }: HttpRequest): Promise<IncomingMessage> {
    if (signal?.aborted) throw new CancelledError()
    const parsedUrl = new URL(url)
    const client = this.client(parsedUrl.protocol)
    const proxy = proxyFor(parsedUrl)
    const agent = proxy ? await this.tunnel(parsedUrl.protocol, proxy) : client.getAgent(url)
    // requestRaw is http-client's public low-level entry: the agent chosen above, the same socket
    // timeout as request(), plus Node's own `signal` option, which request() cannot pass.
    const info: RequestInfo = {
      parsedUrl,
      httpModule: parsedUrl.protocol === 'https:' ? https : http,
      options: {
        // Also names the tunnel a keep-alive proxy agent files the connection under (tunnel-agent.ts).
        protocol: parsedUrl.protocol,
        host: parsedUrl.hostname,
        port: parsedUrl.port ? Number(parsedUrl.port) : parsedUrl.protocol === 'https:' ? 443 : 80,
        path: parsedUrl.pathname + parsedUrl.search,
        method,
        headers: { 'user-agent': USER_AGENT, ...headers },
        agent,
        ...(signal ? { signal } : {})
      }
    }
    let response: HttpClientResponse
    try {
      response = await client.requestRaw(info, body ?? null)
    } catch (error) {
      if (signal?.aborted) throw new CancelledError()
      // http-client's own timeout error quotes the request path with its query: say it our way.
      if (error instanceof Error && error.message.startsWith('Request timeout')) {
        throw new TransferError(`${what}: no answer within ${this.timeoutMs / 1000} s`, {
          retryable: true
        })
      }
      const classified = classify(error)
      throw new TransferError(`${what}: ${classified.message}`, { retryable: classified.retryable })
    }
    // From here the body's own Watchdog governs: http-client's socket timeout would half-close
    // the socket at the same moment and turn a clear "stalled" into a bare ECONNRESET.
    ;(response.message as IncomingMessage & { req?: ClientRequest }).req?.setTimeout(0)
    return response.message
  }

  /** Closes idle keep-alive sockets and tunnels so the process can exit at once. */
  dispose(): void {
    for (const client of this.clients.values()) client.dispose()
    this.clients.clear()
    // Every request that awaited a tunnel agent is over by now, so each promise has settled.
    for (const pending of this.tunnels.values()) {
      pending.then(agent => agent.destroy()).catch(() => undefined)
    }
    this.tunnels.clear()
  }

  private tunnel(protocol: string, proxy: URL): Promise<Agent> {
    const key = `${protocol} ${proxy.href}`
    let agent = this.tunnels.get(key)
    if (!agent) {
      agent = tunnelAgent(proxy, protocol === 'https:' ? 'https:' : 'http:', this.maxTunnelsPerHost)
      this.tunnels.set(key, agent)
    }
    return agent
  }

  private client(protocol: string): HttpClient {
    let client = this.clients.get(protocol)
    if (!client) {
      client = new HttpClient(USER_AGENT, [], {
        allowRedirects: false,
        allowRetries: false,
        keepAlive: true,
        socketTimeout: this.timeoutMs
      })
      this.clients.set(protocol, client)
    }
    return client
  }
}

/**
 * The two rules that abandon a body, checked for as long as it flows:
 * - idle: no byte for `ms` (refresh() moves the same timer, so touching on every chunk
 *   allocates nothing);
 * - rate: fewer than MIN_BYTES_PER_SECOND on average over a window of `ms`. Windows are
 *   consecutive from the first byte on, so a trickle is caught within one window, and a body
 *   that ends before its first window closes is never judged.
 * `onStall` gets the reason as a phrase ("no data for 1 s") and is called at most once.
 */
export class Watchdog {
  private readonly idle: NodeJS.Timeout
  private readonly window: NodeJS.Timeout
  private bytes = 0
  private fired = false

  constructor(ms: number, onStall: (reason: string) => void) {
    const seconds = ms / 1000
    const floor = (MIN_BYTES_PER_SECOND * ms) / 1000
    const fire = (reason: string): void => {
      if (this.fired) return
      this.fired = true
      this.stop()
      onStall(reason)
    }
    this.idle = setTimeout(() => fire(`no data for ${seconds} s`), ms)
    this.window = setInterval(() => {
      if (this.bytes < floor) fire(`under ${MIN_BYTES_PER_SECOND / 1024} KiB/s for ${seconds} s`)
      this.bytes = 0
    }, ms)
  }

  touch(bytes: number): void {
    this.bytes += bytes
    this.idle.refresh()
  }

  stop(): void {
    clearTimeout(this.idle)
    clearInterval(this.window)
  }
}

/** How readText reads an answer. */
export interface ReadTextOptions {
  /** Names the host in error messages. */
  what: string
  /** More than this is refused. */
  maxBytes: number
  /** The Watchdog's time: no byte, or under MIN_BYTES_PER_SECOND, for this long abandons the body. */
  timeoutMs: number
  /** The one given to Http.request: its abort rejects with CancelledError. */
  signal?: AbortSignal
  /** The whole answer must have come within this (default: no limit). */
  wholeMs?: number
}

/** Passes a body through, feeding its Watchdog and counting the bytes that came. */
export class WatchdogMeter extends Transform {
  bytes = 0
  private readonly watchdog: Watchdog

  constructor(watchdog: Watchdog) {
    super()
    this.watchdog = watchdog
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.watchdog.touch(chunk.length)
    this.bytes += chunk.length
    done(null, chunk)
  }
}

/**
 * Reads a whole (small) body as text, refusing more than `maxBytes`, and abandoning it by the
 * Watchdog's rules over `timeoutMs`, or when it is not complete within `wholeMs` (an API answer is
 * a few KiB: one that flows at 4 KiB/s for minutes is not an answer). An abort of `signal` (the
 * one given to Http.request) rejects with CancelledError.
 */
export async function readText(
  message: IncomingMessage,
  { what, maxBytes, timeoutMs, signal, wholeMs = Infinity }: ReadTextOptions
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  const abandon = (reason: string): void =>
    void message.destroy(new TransferError(`${what}: ${reason}`, { retryable: true }))
  const watchdog = new Watchdog(timeoutMs, abandon)
  const whole = Number.isFinite(wholeMs)
    ? setTimeout(() => abandon(`the answer was not complete within ${wholeMs / 1000} s`), wholeMs)
    : undefined
  try {
    for await (const chunk of message as AsyncIterable<Buffer>) {
      watchdog.touch(chunk.length)
      size += chunk.length
      if (size > maxBytes) {
        message.destroy()
        throw new TransferError(`${what}: answer larger than ${maxBytes} bytes`)
      }
      chunks.push(chunk)
    }
  } catch (error) {
    if (signal?.aborted) throw new CancelledError()
    if (error instanceof TransferError) throw error
    const classified = classify(error)
    throw new TransferError(`${what}: ${classified.message}`, { retryable: classified.retryable })
  } finally {
    watchdog.stop()
    clearTimeout(whole)
  }
  return Buffer.concat(chunks).toString('utf8')
}
