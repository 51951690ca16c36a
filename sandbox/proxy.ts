// A loopback forward proxy in front of the sandbox: CONNECT tunnels counted per host, optionally behind Basic credentials.
import http, { type IncomingMessage, type Server } from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

const HOST = '127.0.0.1'

export interface TunnelProxyOptions {
  /** Basic credentials every CONNECT must carry; one without them, or with others, gets 407. */
  credentials?: { user: string; password: string }
  /**
   * Wait before answering each CONNECT, in ms (default 0): the round trip a real proxy spends
   * reaching the host, which a client pays again for every tunnel it does not keep.
   */
  connectDelayMs?: number
}

/**
 * An HTTP proxy that only tunnels, as squid does for https: CONNECT host:port, then bytes both
 * ways (the action's requests behind HTTPS_PROXY/HTTP_PROXY are all CONNECTs; anything else gets
 * 405). Every tunnel goes to 127.0.0.1 at the port asked for, whatever the name, so the sandbox's
 * made-up host names (SandboxOptions.hostNames) lead to its servers and nothing leaves the machine.
 */
export class TunnelProxy {
  /** http://127.0.0.1:<port>, without credentials. */
  readonly url: string
  /** `host:port` of every tunnel opened, in order. */
  readonly tunnels: string[] = []
  /** CONNECTs answered 407 for want of the right credentials. */
  refused = 0
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #open = new Map<string, number>()
  readonly #peaks = new Map<string, number>()
  readonly #abort = new AbortController()

  private constructor(server: Server, url: string) {
    this.#server = server
    this.url = url
  }

  static async start(options: TunnelProxyOptions = {}): Promise<TunnelProxy> {
    const server = http.createServer((_, res) => res.writeHead(405).end())
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, HOST, resolve)
    })
    const proxy = new TunnelProxy(
      server,
      `http://${HOST}:${(server.address() as AddressInfo).port}`
    )
    const expected = options.credentials
      ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
      : undefined
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      proxy.#track(client)
      if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
        proxy.refused++
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="sandbox"\r\nContent-Length: 0\r\n\r\n'
        )
        return
      }
      void proxy.#tunnel(String(req.url), client, head, options.connectDelayMs ?? 0)
    })
    return proxy
  }

  /** Tunnels opened so far, by `host:port`. */
  byHost(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const target of this.tunnels) counts[target] = (counts[target] ?? 0) + 1
    return counts
  }

  /** The most tunnels that were open at once, by `host:port`. */
  peakByHost(): Record<string, number> {
    return Object.fromEntries(this.#peaks)
  }

  /** Forgets the counts (tunnels still open stay open and are counted as such). */
  reset(): void {
    this.tunnels.length = 0
    this.refused = 0
    this.#peaks.clear()
  }

  /** Stops listening and ends every tunnel. */
  async close(): Promise<void> {
    this.#abort.abort()
    const closed = new Promise(resolve => this.#server.close(resolve))
    this.#server.closeAllConnections()
    for (const socket of this.#sockets) socket.destroy()
    await closed
  }

  async #tunnel(target: string, client: Socket, head: Buffer, delayMs: number): Promise<void> {
    const port = Number(/:(\d+)$/.exec(target)?.[1])
    if (!(port > 0 && port < 65536)) {
      client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.tunnels.push(target)
    const open = (this.#open.get(target) ?? 0) + 1
    this.#open.set(target, open)
    this.#peaks.set(target, Math.max(open, this.#peaks.get(target) ?? 0))
    client.once('close', () => this.#open.set(target, (this.#open.get(target) ?? 1) - 1))
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.#abort.signal }).catch(() => {})
    if (client.destroyed) return
    // No Nagle on either leg (the server's accepted sockets have none by default), as in squid.
    const upstream = this.#track(net.connect({ port, host: HOST, noDelay: true }))
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.once('error', () => {
      if (!client.writableEnded) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')
    })
    upstream.once('close', () => client.destroy())
    client.once('close', () => upstream.destroy())
  }

  #track(socket: Socket): Socket {
    // A client that vanishes mid-tunnel is routine here; it must not crash the proxy.
    socket.on('error', () => {})
    this.#sockets.add(socket)
    socket.once('close', () => this.#sockets.delete(socket))
    return socket
  }
}
