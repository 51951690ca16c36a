// HTTP for the API and the file host: proxy-aware @actions/http-client, keep-alive, timeouts, errors without queries.
import { HttpClient, type HttpClientResponse } from '@actions/http-client'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { USER_AGENT } from '../constants.js'
import { TransferError } from '../errors.js'
import { classify } from '../util/retry.js'

export type Headers = Record<string, string>

/**
 * Clients for plain requests: no automatic redirects (the caller checks every hop), no retries of
 * their own (the one retry policy lives in retry.ts), keep-alive so a batch reuses connections.
 */
export class Http {
  // http-client keeps one agent per client whatever the protocol, so http and https get a client each.
  private readonly clients = new Map<string, HttpClient>()
  private readonly timeoutMs: number

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs
  }

  /** Sends one request and returns once the status line and headers arrived. */
  async request(
    method: 'GET' | 'POST',
    url: string,
    what: string,
    headers: Headers = {},
    body?: string
  ): Promise<IncomingMessage> {
    const client = this.client(new URL(url).protocol)
    let response: HttpClientResponse
    try {
      response = await client.request(method, url, body ?? null, {
        'user-agent': USER_AGENT,
        ...headers
      })
    } catch (error) {
      // http-client's own timeout error quotes the request path with its query: say it our way.
      if (error instanceof Error && error.message.startsWith('Request timeout')) {
        throw new TransferError(`${what}: no answer within ${this.timeoutMs / 1000} s`, {
          retryable: true
        })
      }
      const classified = classify(error)
      throw new TransferError(`${what}: ${classified.message}`, { retryable: classified.retryable })
    }
    // From here the body's own idle timer (IdleTimer) governs: http-client's socket timeout would
    // half-close the socket at the same moment and turn a clear "stalled" into a bare ECONNRESET.
    ;(response.message as IncomingMessage & { req?: ClientRequest }).req?.setTimeout(0)
    return response.message
  }

  /** Closes idle keep-alive sockets so the process can exit at once. */
  dispose(): void {
    for (const client of this.clients.values()) client.dispose()
    this.clients.clear()
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
 * Fires `onIdle` when `touch()` has not been called for `ms`: the "no bytes for `timeout` seconds"
 * rule. refresh() moves the same timer, so touching on every chunk allocates nothing.
 */
export class IdleTimer {
  private readonly timer: NodeJS.Timeout

  constructor(ms: number, onIdle: () => void) {
    this.timer = setTimeout(onIdle, ms)
  }

  touch(): void {
    this.timer.refresh()
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}

/** Reads a whole (small) body as text, refusing more than `maxBytes` and stalls longer than `idleMs`. */
export async function readText(
  message: IncomingMessage,
  what: string,
  maxBytes: number,
  idleMs: number
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  const idle = new IdleTimer(idleMs, () =>
    message.destroy(
      new TransferError(`${what}: no data for ${idleMs / 1000} s`, { retryable: true })
    )
  )
  try {
    for await (const chunk of message as AsyncIterable<Buffer>) {
      idle.touch()
      size += chunk.length
      if (size > maxBytes) {
        message.destroy()
        throw new TransferError(`${what}: answer larger than ${maxBytes} bytes`)
      }
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof TransferError) throw error
    const classified = classify(error)
    throw new TransferError(`${what}: ${classified.message}`, { retryable: classified.retryable })
  } finally {
    idle.stop()
  }
  return Buffer.concat(chunks).toString('utf8')
}
