// The keep-alive CONNECT agent for requests behind a proxy: https-proxy-agent on http.Agent's pool, and a refused tunnel said plainly.
import type { ClientRequest } from 'node:http'
import type { Socket } from 'node:net'
import type { HttpsProxyAgent } from 'https-proxy-agent'
import { TransferError } from '../errors.js'
import { RETRYABLE_STATUSES, classify } from './retry.js'
import { oneLine } from './safe-text.js'

type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1]

interface ProxyAnswer {
  statusCode: number
  statusText: string
}

/**
 * The agent class, made on the HttpsProxyAgent that proxy.ts loads when a proxy applies (the
 * package is bundled apart, so only its type is imported here).
 *
 * With keepAlive, its tunnels live in http.Agent's own pool: one tunnel (and the TLS session
 * inside it) carries request after request to its host, and at most `maxSockets` are open to
 * each host at a time; a request beyond them waits for one to come free. Plain and TLS targets
 * are both CONNECT tunnels, as through http-client's own proxy agent. The pool files a tunnel
 * under a name made from the request's `protocol`, so every request must carry it (Http does):
 * without it, agent-base guesses from the call stack, which differs when the tunnel is handed
 * back, and no tunnel is ever reused.
 *
 * A proxy that refuses the tunnel (407, 403, 502) fails the request with an error naming the
 * proxy: https-proxy-agent alone replays the proxy's answer as if the host had sent it, and a 403
 * would then read as the file host refusing its signed URL. A proxy that cannot be reached is
 * named too.
 */
export function tunnelAgentClass(Base: typeof HttpsProxyAgent) {
  return class TunnelAgent extends Base<string> {
    constructor(proxy: URL, protocol: 'http:' | 'https:', maxSockets: number) {
      // noDelay, as http.Agent connects by default: the socket to the proxy is built here instead.
      super(proxy, { keepAlive: true, maxSockets, noDelay: true })
      // Stated, not guessed from the call stack (agent-base's fallback).
      this.protocol = protocol
    }

    override async connect(req: ClientRequest, opts: ConnectOptions): Promise<Socket> {
      let refusal: ProxyAnswer | undefined
      const onAnswer = (answer: ProxyAnswer): void => {
        if (answer.statusCode !== 200) refusal = answer
      }
      req.once('proxyConnect', onAnswer)
      let socket: Socket
      try {
        socket = await super.connect(req, opts)
      } catch (error) {
        const { message, retryable } = classify(error)
        throw new TransferError(`proxy ${this.proxy.host}: ${message}`, { retryable })
      } finally {
        req.off('proxyConnect', onAnswer)
      }
      if (refusal) {
        socket.destroy()
        const { statusCode, statusText } = refusal
        const reason = statusText ? ` ${oneLine(statusText, 60)}` : ''
        throw new TransferError(
          `proxy ${this.proxy.host} refused the tunnel to ${opts.host}:${opts.port} (HTTP ${statusCode}${reason})`,
          { retryable: RETRYABLE_STATUSES.has(statusCode) }
        )
      }
      return socket
    }
  }
}
