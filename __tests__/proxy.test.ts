// Whether a request goes through a proxy (http-client's own rules, loopback never), and which of the proxy's credentials are masked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { HttpClient } from '@actions/http-client'
import { existsSync, readFileSync } from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import { COMMON_PATH, Sandbox, TunnelProxy } from '../sandbox/index.ts'
import { Http, readText } from '../src/util/http.js'
import {
  HTTPS_PROXY_AGENT,
  maskProxyCredentials,
  proxyFor,
  tunnelAgent
} from '../src/util/proxy.js'
import { captureStdout } from './helpers/capture.js'
import { maskedValues } from './helpers/masks.js'
import { useProxyEnv } from './helpers/proxy-env.js'

const setProxyEnv = useProxyEnv()

/** What http-client itself would do for `url`: its agent is a `tunnel` agent behind a proxy. */
function httpClientProxies(url: string): boolean {
  const client = new HttpClient('test', [], { keepAlive: true })
  const agent = client.getAgent(url) as unknown as Record<string, unknown>
  client.dispose()
  return 'proxyOptions' in agent
}

describe('proxyFor', () => {
  const cases: Array<[string, Record<string, string>, string, string | null]> = [
    [
      'https uses HTTPS_PROXY',
      { HTTPS_PROXY: 'http://proxy.corp:3128' },
      'https://api.kie.ai/x',
      'proxy.corp:3128'
    ],
    [
      'https ignores HTTP_PROXY',
      { HTTP_PROXY: 'http://proxy.corp:3128' },
      'https://api.kie.ai/x',
      null
    ],
    [
      'http uses HTTP_PROXY',
      { HTTP_PROXY: 'http://proxy.corp:3128' },
      'http://api.kie.ai/x',
      'proxy.corp:3128'
    ],
    [
      'the lower-case name wins',
      { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' },
      'https://api.kie.ai/x',
      'low:1'
    ],
    [
      'a proxy without scheme is http',
      { HTTPS_PROXY: 'user@proxy.corp:3128' },
      'https://api.kie.ai/x',
      'proxy.corp:3128'
    ],
    [
      'NO_PROXY names the host',
      { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'api.kie.ai' },
      'https://api.kie.ai/x',
      null
    ],
    [
      'NO_PROXY names a parent domain',
      { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other, kie.ai' },
      'https://api.kie.ai/x',
      null
    ],
    [
      'NO_PROXY with a leading dot',
      { HTTPS_PROXY: 'http://p:1', no_proxy: '.kie.ai' },
      'https://api.kie.ai/x',
      null
    ],
    [
      'NO_PROXY with host:port',
      { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'api.kie.ai:443' },
      'https://api.kie.ai/x',
      null
    ],
    ['NO_PROXY *', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, 'https://api.kie.ai/x', null],
    [
      'NO_PROXY for another host',
      { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'ai' },
      'https://tempfile.aiquickdraw.com/x',
      'p:1'
    ],
    ['never for 127.0.0.1', { HTTP_PROXY: 'http://p:1' }, 'http://127.0.0.1:8080/x', null],
    ['never for localhost', { HTTPS_PROXY: 'http://p:1' }, 'https://localhost/x', null],
    ['never for [::1]', { HTTPS_PROXY: 'http://p:1' }, 'https://[::1]:8443/x', null],
    [
      'a proxy URL without a host name is none',
      { HTTPS_PROXY: 'proxy.corp:3128' },
      'https://api.kie.ai/x',
      null
    ],
    ['no variable, no proxy', {}, 'https://api.kie.ai/x', null]
  ]

  it.each(cases)('%s', (_, env, url, expected) => {
    setProxyEnv(env)
    expect(proxyFor(new URL(url))?.host ?? null).toBe(expected)
    // The very decision http-client's own agent makes today.
    expect(proxyFor(new URL(url)) !== null).toBe(httpClientProxies(url))
  })
})

describe('maskProxyCredentials', () => {
  function masksOf(proxy: string): string[] {
    const stdout = captureStdout()
    try {
      maskProxyCredentials(new URL(proxy))
    } finally {
      stdout.restore()
    }
    return maskedValues(stdout.writes.join(''))
  }

  it('masks the password as written and decoded, and the Basic token that carries it', () => {
    const token = Buffer.from('ci:p@ss:word').toString('base64')
    expect(masksOf('http://ci:p%40ss%3Aword@proxy.corp:3128')).toEqual([
      'p%40ss%3Aword',
      'p@ss:word',
      token
    ])
  })

  it('masks a user name that comes alone, as a token does', () => {
    expect(masksOf('http://tok3n@proxy.corp:3128')).toEqual([
      'tok3n',
      Buffer.from('tok3n:').toString('base64')
    ])
  })

  it('masks nothing for a proxy without credentials', () => {
    expect(masksOf('http://proxy.corp:3128')).toEqual([])
  })
})

describe('tunnelAgent', () => {
  const root = path.join(import.meta.dirname, '..')

  it('masks the credentials, then makes a keep-alive agent for the stated protocol, maxSockets per host', async () => {
    const stdout = captureStdout()
    let agent: http.Agent
    try {
      agent = await tunnelAgent(new URL('http://ci:s3cret-pw@proxy.corp:3128'), 'https:', 4)
    } finally {
      stdout.restore()
    }
    expect(maskedValues(stdout.writes.join(''))).toContain('s3cret-pw')
    // `protocol` stated, not guessed from the call stack: this call is not inside https.request.
    expect(agent).toMatchObject({ keepAlive: true, maxSockets: 4, protocol: 'https:' })
    agent.destroy()
  })

  it('is bundled apart, at the path it is imported from, and never into dist/index.js', () => {
    const script = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
    ).scripts.package
    const entry = path.posix.join('src/util', HTTPS_PROXY_AGENT)
    const out = path.posix.dirname(path.posix.join('dist', HTTPS_PROXY_AGENT))
    expect(existsSync(path.join(root, entry))).toBe(true)
    expect(script).toContain(`ncc build ${entry} -o ${out} `)
    // The built action (the end-to-end tests run it): the package's code is only in its own file.
    const marker = 'Creating new HttpsProxyAgent instance'
    expect(readFileSync(path.join(root, 'dist', 'index.js'), 'utf8')).not.toContain(marker)
    expect(readFileSync(path.join(root, 'dist', HTTPS_PROXY_AGENT), 'utf8')).toContain(marker)
  })
})

describe('Http with a proxy set', () => {
  const url = 'https://tempfile.aiquickdraw.com/v/direct.png'
  let sb: Sandbox
  let proxy: TunnelProxy

  beforeAll(async () => {
    sb = await Sandbox.start()
    await sb.register({ url, size: 64 })
    proxy = await TunnelProxy.start()
  })

  afterAll(async () => {
    await proxy.close()
    await sb.close()
  })

  it('still goes straight to a loopback host', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url })
    const client = new Http(5_000, 4)
    const read = { what: 'test', maxBytes: 1024, timeoutMs: 5_000 }
    try {
      // The sandbox's API hands out a signed URL on its file host; both are on 127.0.0.1.
      const answer = await client.request({
        method: 'POST',
        url: `${sb.baseUrl}${COMMON_PATH}`,
        what: 'test',
        headers: { authorization: `Bearer ${sb.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url })
      })
      const { code, data } = JSON.parse(await readText(answer, read)) as {
        code: number
        data: string
      }
      expect([code, data.startsWith(`${sb.fileBaseUrl}/`)]).toEqual([200, true])
      const file = await client.request({ method: 'GET', url: data, what: 'test' })
      expect(file.statusCode).toBe(200)
      await readText(file, read)
    } finally {
      client.dispose()
    }
    expect(sb.requests.map(r => [r.target, r.method, r.url, r.status])).toEqual([
      ['api', 'POST', url, 200],
      ['file', 'GET', url, 200]
    ])
    expect(proxy.tunnels).toEqual([])
  })
})
