// vendor/lazy-undici: undici is loaded only when first used, gives the real classes, and the proxy path still works.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { HttpClient } from '@actions/http-client'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { ProxyAgent } from 'undici'
import { ProxyAgent as RealProxyAgent } from 'undici-real'
import { type RegisteredFile, Sandbox, TunnelProxy } from '../sandbox/index.ts'
import { useProxyEnv } from './helpers/proxy-env.js'

const root = path.join(import.meta.dirname, '..')
const setProxyEnv = useProxyEnv()

/**
 * Runs an ES module in a plain Node child: jest's module registry and nock's interception of
 * node:http would otherwise stand between the code and what a bundle does at run time.
 */
async function inNode(source: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', source],
    { cwd: root, env: { PATH: process.env.PATH, ...env } }
  )
  return JSON.parse(stdout)
}

describe('the lazy undici shim', () => {
  it('evaluates the real undici only when a name is first read', async () => {
    const seen = await inNode(`
      import { createRequire } from 'node:module'
      const require = createRequire(process.cwd() + '/node_modules/@actions/http-client/lib/index.js')
      const loaded = () => Object.keys(require.cache).some(k => k.includes('undici-real'))
      const shim = require('undici')
      const before = loaded()
      const same = shim.ProxyAgent === require('undici-real').ProxyAgent
      console.log(JSON.stringify({ before, same, after: loaded() }))`)
    expect(seen).toEqual({ before: false, same: true, after: true })
  })

  it('gives the real ProxyAgent class to an import', () => {
    expect(ProxyAgent).toBe(RealProxyAgent)
  })

  it('provides every name @actions/http-client imports from undici', async () => {
    const source = readFileSync(
      path.join(root, 'node_modules', '@actions', 'http-client', 'lib', 'index.js'),
      'utf8'
    )
    const names = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'undici'/g)].flatMap(m =>
      m[1].split(',').map(name => name.trim().split(/\s+as\s+/)[0])
    )
    expect(names).toContain('ProxyAgent')
    const provided = await inNode(`
      import { createRequire } from 'node:module'
      const require = createRequire(process.cwd() + '/node_modules/@actions/http-client/lib/index.js')
      const shim = require('undici'), real = require('undici-real')
      console.log(JSON.stringify(${JSON.stringify(names)}.filter(n => real[n] && shim[n] === real[n])))`)
    expect(provided).toEqual(names)
  })

  it('is built apart by npm run package, at the path the shim asks for', () => {
    // The shim's require must stay out of dist/index.js (ncc -e) and be bundled at that very path.
    const shim = readFileSync(path.join(root, 'vendor', 'lazy-undici', 'index.js'), 'utf8')
    const wanted = /real = require\('(\.\/[^']+)'\)/.exec(shim)?.[1]
    expect(wanted).toBe('./undici/index.cjs')
    const script = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
    ).scripts.package
    expect(script).toContain(`ncc build src/index.ts -o dist -e ${wanted} `)
    expect(script).toContain(`ncc build vendor/lazy-undici/undici/index.cjs -o dist/undici `)
  })

  it('hands http-client a real ProxyAgent when HTTPS_PROXY is set', () => {
    setProxyEnv({ HTTPS_PROXY: 'http://127.0.0.1:9' })
    const client = new HttpClient('test')
    const dispatcher = client.getAgentDispatcher('https://tempfile.aiquickdraw.com/a.png')
    expect(dispatcher).toBeInstanceOf(RealProxyAgent)
    client.dispose()
  })
})

describe('a download through HTTP_PROXY', () => {
  // The sandbox's file host under a made-up name, reached only through the sandbox's CONNECT proxy.
  let sandbox: Sandbox
  let proxy: TunnelProxy
  let file: RegisteredFile

  beforeAll(async () => {
    sandbox = await Sandbox.start({ hostNames: { api: 'api.kie.test', file: 'files.kie.test' } })
    file = await sandbox.register({ url: 'https://tempfile.aiquickdraw.com/f/a.png', size: 5000 })
    proxy = await TunnelProxy.start()
  })

  afterAll(async () => {
    await proxy.close()
    await sandbox.close()
  })

  /** A signed URL for `url`, asked of the API at its loopback address (its name resolves nowhere). */
  async function signed(url: string): Promise<string> {
    const api = new URL(sandbox.baseUrl)
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/common/download-url`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sandbox.apiKey}` },
      body: JSON.stringify({ url })
    })
    return ((await res.json()) as { data: string }).data
  }

  it('goes through the proxy with the agent the action uses, and brings the body', async () => {
    const url = await signed(file.url)
    const host = new URL(url).host
    expect(host).toMatch(/^files\.kie\.test:\d+$/)
    // As src/util/http.ts asks: http-client's keep-alive agent for the URL, then requestRaw.
    // kie.test is a reserved name that never resolves: only the tunnel can reach it.
    const answer = await inNode(
      `
      import http from 'node:http'
      import { createHash } from 'node:crypto'
      import { HttpClient } from '@actions/http-client'
      const client = new HttpClient('test', [], { keepAlive: true, allowRetries: false })
      const url = process.env.SIGNED_URL
      const parsedUrl = new URL(url)
      const response = await client.requestRaw({ parsedUrl, httpModule: http, options: {
        host: parsedUrl.hostname, port: parsedUrl.port, path: parsedUrl.pathname + parsedUrl.search,
        method: 'GET', agent: client.getAgent(url) } }, null)
      const hash = createHash('sha256')
      for await (const chunk of response.message) hash.update(chunk)
      client.dispose()
      console.log(JSON.stringify({ status: response.message.statusCode, sha256: hash.digest('hex') }))`,
      { HTTP_PROXY: proxy.url, SIGNED_URL: url }
    )
    expect(answer).toEqual({ status: 200, sha256: file.sha256 })
    expect(proxy.tunnels).toEqual([host])
    expect(sandbox.requests.filter(q => q.target === 'file').map(q => q.status)).toEqual([200])
  })
})
