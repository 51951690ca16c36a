// Behind a forward proxy: whether one applies (http-client's own rules), its credentials masked, the keep-alive tunnel agent loaded only then.
import * as core from '@actions/core'
import { getProxyUrl } from '@actions/http-client'
import type { Agent } from 'node:http'
import { tunnelAgentClass } from './tunnel-agent.js'

/** Beside this module: dist/https-proxy-agent/ in the bundle, src/util/https-proxy-agent/ in tests. */
export const HTTPS_PROXY_AGENT = './https-proxy-agent/index.cjs'

/**
 * The proxy a request to `url` goes through, decided exactly as @actions/http-client decides it:
 * https_proxy or HTTPS_PROXY for https URLs, http_proxy or HTTP_PROXY for http ones, none for a
 * host that no_proxy/NO_PROXY names nor for a loopback host (localhost, 127.*, [::1]). A proxy
 * URL without a host name is no proxy, as there. Null: go direct.
 */
export function proxyFor(url: URL): URL | null {
  const href = getProxyUrl(url.href)
  if (!href) return null
  const proxy = new URL(href)
  return proxy.hostname ? proxy : null
}

/**
 * The agent for `protocol` URLs through `proxy`: CONNECT tunnels kept alive and reused, at most
 * `maxSockets` to each host at a time (tunnel-agent.ts). The credentials are masked before the
 * agent exists (its DEBUG output prints the proxy URL).
 */
export async function tunnelAgent(
  proxy: URL,
  protocol: 'http:' | 'https:',
  maxSockets: number
): Promise<Agent> {
  maskProxyCredentials(proxy)
  // https-proxy-agent is loaded here, so a run without a proxy never parses it. ncc leaves this
  // import as it is (webpackIgnore), and `npm run package` bundles the package apart at that very
  // path beside dist/index.js. (A chunk split by ncc itself would do, but ncc then writes only that
  // chunk's licenses into dist/licenses.txt.)
  const loaded = (await import(/* webpackIgnore: true */ HTTPS_PROXY_AGENT)) as {
    default: typeof import('https-proxy-agent')
  }
  const { HttpsProxyAgent } = loaded.default
  const TunnelAgent = tunnelAgentClass(HttpsProxyAgent)
  core.debug(
    `${protocol.slice(0, -1)} requests go through the proxy ${proxy.host}: CONNECT tunnels kept alive, at most ${maxSockets} to a host`
  )
  return new TunnelAgent(proxy, protocol, maxSockets)
}

/**
 * Registers the proxy's credentials with the runner's masker: the password as written in the URL
 * and decoded (the user name too when it comes alone, as a token), and the Basic token sent as
 * Proxy-Authorization. getProxyUrl only hands out URLs whose parts decode.
 */
export function maskProxyCredentials(proxy: URL): void {
  if (!proxy.username && !proxy.password) return
  const user = decodeURIComponent(proxy.username)
  const password = decodeURIComponent(proxy.password)
  const secrets = proxy.password ? [proxy.password, password] : [proxy.username, user]
  secrets.push(Buffer.from(`${user}:${password}`).toString('base64'))
  for (const secret of new Set(secrets)) core.setSecret(secret)
}
