// End to end behind a forward proxy: the bundled action keeps its CONNECT tunnels alive, honours NO_PROXY, and sends and masks the proxy's credentials.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { type RegisteredFile, Sandbox, TunnelProxy } from '../sandbox/index.ts'
import { runDist } from '../scripts/runner.ts'
import { applyMasks, maskedValues } from './helpers/masks.js'
import { useSandbox } from './helpers/sandbox-suite.js'

const TLS_DIR = path.join(import.meta.dirname, 'fixtures', 'tls')
// Made-up names, so the action sees remote hosts (http-client's rules never proxy loopback); the
// proxy sends every tunnel to the sandbox on 127.0.0.1, and the test CA's certificate names them.
const HOSTS = { api: 'api.kie.test', file: 'files.kie.test' }
const CA_ENV = { NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'ca.pem') }
// Stands in for the DNS entries of those names, for the run that bypasses the proxy; loaded into
// every run, so the proxy's environment variables are all that tells the runs apart.
const RESOLVE_KIE_TEST = [
  '--import',
  // A URL: --import takes a Windows path's drive letter for a URL scheme.
  pathToFileURL(path.join(import.meta.dirname, 'helpers', 'resolve-kie-test.ts')).href
]
const USER = 'ci-runner'
/** Needs percent-encoding in a URL (':', '@', '/'), which the action must undo before sending it. */
const PASSWORD = 'pr0xy:p@ss/w0rd'
const FILES = 20

let sandbox: Sandbox
let proxy: TunnelProxy
const files: RegisteredFile[] = []

const TLS = {
  key: readFileSync(path.join(TLS_DIR, 'server-key.pem')),
  cert: readFileSync(path.join(TLS_DIR, 'server.pem'))
}

const run = useSandbox(
  async started => {
    sandbox = started
    for (let i = 0; i < FILES; i++) {
      const url = `https://tempfile.aiquickdraw.com/p/proxy-${i}.png`
      files.push(await sandbox.register({ url, size: 8 * 1024 + i * 512 }))
    }
    proxy = await TunnelProxy.start({ credentials: { user: USER, password: PASSWORD } })
  },
  { tls: TLS, hostNames: HOSTS }
)

afterEach(() => proxy.reset())
afterAll(() => proxy.close())

/** The proxy's URL with credentials, as a runner's HTTPS_PROXY carries them (percent-encoded). */
function proxyUrl(password = PASSWORD): string {
  const url = new URL(proxy.url)
  url.username = USER
  url.password = password
  return url.href
}

function runBehindProxy(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): ReturnType<typeof run> {
  return run(inputs, {
    env: { ...CA_ENV, HTTPS_PROXY: proxyUrl(), ...env },
    nodeArgs: RESOLVE_KIE_TEST
  })
}

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')

/** `host:port` of the sandbox's API and file host, as a CONNECT names them. */
function hostPorts(): string[] {
  return [sandbox.baseUrl, sandbox.fileBaseUrl].map(u => new URL(u).host)
}

describe('the bundled action behind a CONNECT proxy', () => {
  it('downloads 20 files at concurrency 4 byte-exact over at most 4 tunnels per host at a time, 8 in all', async () => {
    const r = await runBehindProxy({ urls: files.map(f => f.url).join('\n'), concurrency: '4' })
    expect(r.code).toBe(0)
    expect(r.files.map(f => [f.status, f.sha256])).toEqual(files.map(f => ['downloaded', f.sha256]))
    for (const f of r.files) expect(sha256(f.path as string)).toBe(f.sha256)
    // Every request went through the proxy: the sandbox saw all of them, by their names.
    expect(sandbox.requests.filter(q => q.target === 'api')).toHaveLength(FILES)
    expect(sandbox.requests.filter(q => q.target === 'file')).toHaveLength(FILES)
    expect(new Set(sandbox.requests.map(q => q.headers.host))).toEqual(new Set(hostPorts()))
    // ... over tunnels kept alive: without keep-alive, one tunnel per request (20 per host).
    const tunnels = proxy.byHost()
    expect(Object.keys(tunnels).sort()).toEqual(hostPorts().sort())
    for (const count of Object.values(tunnels)) expect(count).toBeLessThanOrEqual(8)
    for (const peak of Object.values(proxy.peakByHost())) expect(peak).toBeLessThanOrEqual(4)
    expect(proxy.refused).toBe(0)
  })

  it('keeps to `concurrency` tunnels at a time when the API and the files share one host', async () => {
    // API calls run ahead of the downloads, so more requests than `concurrency` are under way to
    // the one host: the agent, not the pipeline, holds the tunnels to `concurrency`. (Over https:
    // a `base-url` over plain http is refused unless it is this machine.)
    const shared = await Sandbox.start({
      hostNames: HOSTS,
      fileHost: 'same',
      fileLatencyMs: 50,
      tls: TLS
    })
    try {
      const some = await Promise.all(
        files.slice(0, 8).map(f => shared.register({ url: f.url, size: f.size }))
      )
      const r = await runDist(
        {
          'api-key': shared.apiKey,
          'base-url': shared.baseUrl,
          urls: some.map(f => f.url).join('\n'),
          concurrency: '2'
        },
        { env: { ...CA_ENV, HTTPS_PROXY: proxyUrl() }, nodeArgs: RESOLVE_KIE_TEST }
      )
      expect(r.code).toBe(0)
      expect(shared.baseUrl).toMatch(/^https:\/\/api\.kie\.test:/)
      expect(r.files.map(f => f.sha256)).toEqual(some.map(f => f.sha256))
      expect(proxy.peakByHost()).toEqual({ [new URL(shared.baseUrl).host]: 2 })
    } finally {
      await shared.close()
    }
  })

  it('bypasses the proxy for a host NO_PROXY names: no tunnel, files intact', async () => {
    const r = await runBehindProxy(
      { urls: files.map(f => f.url).join('\n'), concurrency: '4' },
      { NO_PROXY: 'kie.test' }
    )
    expect(r.code).toBe(0)
    expect(r.files.map(f => [f.status, f.sha256])).toEqual(files.map(f => ['downloaded', f.sha256]))
    for (const f of r.files) expect(sha256(f.path as string)).toBe(f.sha256)
    expect(sandbox.requests).toHaveLength(2 * FILES)
    expect(proxy.tunnels).toEqual([])
  })

  it("sends the credentials from the proxy URL, masked before the agent's debug output prints them", async () => {
    // DEBUG turns on https-proxy-agent's own log, which prints the proxy URL as given.
    const r = await runBehindProxy({ urls: files[0].url }, { DEBUG: 'https-proxy-agent' })
    expect(r.code).toBe(0)
    expect(r.files[0]).toMatchObject({ status: 'downloaded', sha256: files[0].sha256 })
    expect(proxy.tunnels.length).toBeGreaterThan(0)
    expect(proxy.refused).toBe(0)
    const encoded = new URL(proxyUrl()).password
    expect(encoded).not.toBe(PASSWORD)
    const printedAt = r.log.search(new RegExp(`^(?!::add-mask::).*${encoded}`, 'm'))
    expect(printedAt).toBeGreaterThan(-1)
    // Registered with the runner's masker, as written and decoded, before that line ...
    expect(maskedValues(r.log)).toEqual(expect.arrayContaining([PASSWORD, encoded]))
    expect(r.log.indexOf(`::add-mask::${encoded}`)).toBeLessThan(printedAt)
    // ... so the log people see holds neither.
    const seen = applyMasks(r.log)
    expect(seen).not.toContain(PASSWORD)
    expect(seen).not.toContain(encoded)
  })

  it('a proxy refusing the credentials fails each file with an error naming the proxy, not the host', async () => {
    const r = await run(
      {
        urls: files
          .slice(0, 2)
          .map(f => f.url)
          .join('\n'),
        retries: '0'
      },
      { env: { ...CA_ENV, HTTPS_PROXY: proxyUrl('wrong') }, nodeArgs: RESOLVE_KIE_TEST }
    )
    expect(r.code).toBe(1)
    expect(sandbox.requests).toEqual([])
    expect(proxy.refused).toBeGreaterThan(0)
    const apiHost = new URL(sandbox.baseUrl).host
    for (const f of r.files) {
      expect(f.status).toBe('failed')
      expect(f.error).toContain(
        `proxy ${new URL(proxy.url).host} refused the tunnel to ${apiHost} (HTTP 407 Proxy Authentication Required)`
      )
    }
  })
  it('a proxy that cannot be reached fails the file with an error naming the proxy', async () => {
    const gone = await TunnelProxy.start()
    await gone.close()
    const r = await run(
      { urls: files[0].url, retries: '0' },
      { env: { ...CA_ENV, HTTPS_PROXY: gone.url }, nodeArgs: RESOLVE_KIE_TEST }
    )
    expect(r.code).toBe(1)
    expect(sandbox.requests).toEqual([])
    expect(r.files[0].error).toContain(
      `proxy ${new URL(gone.url).host}: network error ECONNREFUSED`
    )
  })
})
