// Secrets stay secret, files stay inside their folder, untrusted text stays inert: the bundled action, end to end.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { type DistRun, makeWorkspace, runDist } from '../scripts/runner.ts'
import { applyMasks, maskedValues } from './helpers/masks.js'

const TLS_DIR = path.join(import.meta.dirname, 'fixtures', 'tls')
const tls = {
  key: readFileSync(path.join(TLS_DIR, 'server-key.pem')),
  cert: readFileSync(path.join(TLS_DIR, 'server.pem'))
}
const CA_ENV = { NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'ca.pem') }
const IMG = 'https://tempfile.aiquickdraw.com/v/secure.png'

let sandbox: Sandbox
let img: RegisteredFile
/** A plain-http host that must never be called: a second sandbox, whose log holds every request it got. */
let trap: Sandbox
let trapUrl: string

beforeAll(async () => {
  sandbox = await Sandbox.start({ tls })
  img = await sandbox.register({ url: IMG, size: 64 * 1024 })
  trap = await Sandbox.start()
  trapUrl = trap.fileBaseUrl
})

afterAll(async () => {
  await Promise.all([sandbox.close(), trap.close()])
})

afterEach(() => {
  sandbox.clearFaults()
  sandbox.clearRequests()
})

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<DistRun> {
  return runDist(
    {
      'api-key': sandbox.apiKey,
      'base-url': sandbox.baseUrl,
      retries: '1',
      timeout: '5',
      ...inputs
    },
    { env: { ...CA_ENV, ...env } }
  )
}

/** Every signature and credential the sandbox handed out in this test. */
function handedOut(): string[] {
  return sandbox.requests
    .filter(r => r.target === 'file')
    .flatMap(r => [r.query['X-Amz-Signature'], r.query['X-Amz-Credential']])
    .filter((v): v is string => Boolean(v))
}

describe('secrets', () => {
  it('a debug-mode run shows neither the key, nor any signature, nor any query string', async () => {
    sandbox.inject({ target: 'api', fault: { kind: 'expired' }, url: IMG })
    const r = await run({ urls: IMG }, { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' })
    expect(r.code).toBe(0)
    expect(r.log).toContain('::debug::')
    const secrets = [sandbox.apiKey, ...handedOut()]
    expect(secrets.length).toBeGreaterThanOrEqual(5)
    // Each was registered with the runner's masker before use ...
    const masked = maskedValues(r.log)
    for (const secret of secrets) expect(masked).toContain(secret)
    // ... so the log people see, outputs and summary hold none of them, nor any query string.
    const seen = [applyMasks(r.log), readFileSync(r.workspace.outputFile, 'utf8'), r.summary]
    for (const text of seen) {
      for (const secret of secrets) expect(text).not.toContain(secret)
      expect(text).not.toMatch(/X-Amz-|\?[^\s…]*=/)
    }
  })

  it('the key goes only to base-url: the file host never gets an Authorization header', async () => {
    const r = await run({ urls: IMG })
    expect(r.code).toBe(0)
    const files = sandbox.requests.filter(q => q.target === 'file')
    expect(files.length).toBeGreaterThan(0)
    expect(files.filter(q => q.headers.authorization !== undefined)).toEqual([])
  })

  it('a key with a line break is an input error naming api-key, before any request, without the key', async () => {
    const r = await run({ 'api-key': 'sk-abc\ndef' })
    expect(r.code).toBe(1)
    expect(r.log).toMatch(/::error::Input 'api-key' contains whitespace or a line break/)
    expect(applyMasks(r.log)).not.toContain('sk-abc')
    expect(sandbox.requests).toEqual([])
  })
})

describe('network', () => {
  it('an https API handing out an http signed URL fails that entry without any request to it', async () => {
    sandbox.inject({
      target: 'api',
      fault: { kind: 'signedUrl', data: `${trapUrl}/x.png?X-Amz-Signature=abc` }
    })
    const r = await run({ urls: IMG })
    expect(r.files[0].status).toBe('failed')
    expect(r.files[0].error).toMatch(
      /refused a download URL with scheme "http:" \(expected https:, as the API is https\)/
    )
    expect(trap.requests).toEqual([])
  })

  it('a javascript: signed URL fails that entry', async () => {
    sandbox.inject({
      target: 'api',
      fault: { kind: 'signedUrl', data: 'javascript:alert(document.cookie)' }
    })
    const r = await run({ urls: IMG })
    expect(r.files[0].error).toMatch(/scheme "javascript:"/)
  })

  it('https end to end works with the test CA, and the file is intact', async () => {
    const r = await run({ urls: IMG })
    expect(r.files[0]).toMatchObject({ status: 'downloaded', sha256: img.sha256 })
  })

  it('a redirect from https to http is refused', async () => {
    sandbox.inject({
      target: 'file',
      url: IMG,
      fault: { kind: 'redirect', location: `${trapUrl}/y.png` },
      times: 5
    })
    const r = await run({ urls: IMG })
    expect(r.files[0].error).toMatch(/from https to http/)
    expect(trap.requests).toEqual([])
  })

  it.each([
    ['base-url', { 'base-url': 'https://user:pw@api.kie.ai' }],
    ['base-url', { 'base-url': 'file:///etc' }],
    ['urls', { urls: 'https://user:pw@tempfile.aiquickdraw.com/v/a.png' }]
  ])('%s with credentials or another scheme is an input error', async (input, inputs) => {
    const r = await run({ urls: IMG, ...inputs })
    expect(r.code).toBe(1)
    expect(r.log).toContain(`::error::Input '${input}'`)
    expect(r.log).not.toContain('pw@')
  })
})

describe('files', () => {
  it('a symlink planted at the target name is replaced, never followed', async () => {
    const ws = makeWorkspace()
    const outside = mkdtempSync(path.join(os.tmpdir(), 'kie-outside-'))
    writeFileSync(path.join(outside, 'victim'), 'precious')
    mkdirSync(path.join(ws.dir, 'kie-downloads'))
    symlinkSync(path.join(outside, 'victim'), path.join(ws.dir, 'kie-downloads', 'secure.png'))
    const r = await runDist(
      { 'api-key': sandbox.apiKey, 'base-url': sandbox.baseUrl, urls: IMG },
      { workspace: ws, env: CA_ENV }
    )
    expect(r.code).toBe(0)
    expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('precious')
    expect(lstatSync(path.join(ws.dir, 'kie-downloads', 'secure.png')).isSymbolicLink()).toBe(false)
  })

  it('a symlinked subfolder that leads outside the destination is refused', async () => {
    const ws = makeWorkspace()
    const outside = mkdtempSync(path.join(os.tmpdir(), 'kie-outside-'))
    mkdirSync(path.join(ws.dir, 'kie-downloads'))
    symlinkSync(outside, path.join(ws.dir, 'kie-downloads', 'evil'))
    const r = await runDist(
      {
        'api-key': sandbox.apiKey,
        'base-url': sandbox.baseUrl,
        urls: IMG,
        'task-ids': 'evil',
        filename: '{taskId}/sub/{name}'
      },
      { workspace: ws, env: CA_ENV }
    )
    expect(r.files[0].error).toMatch(/folder leads outside the destination/)
    expect(readdirSync(outside)).toEqual([])
  })

  it('hostile names stay inside the destination', async () => {
    const names = [
      '..%2F..%2Fescape.png',
      '%2e%2e%2f%2e%2e%2fx.png',
      'a%5C..%5C..%5Cb.png',
      'CON',
      'report.%20',
      '.bashrc'
    ]
    const urls = names.map(n => `https://tempfile.aiquickdraw.com/v/${n}`)
    for (const url of urls) await sandbox.register({ url, size: 10, contentType: 'image/png' })
    const r = await run({ urls: urls.join('\n') })
    expect(r.code).toBe(0)
    const dir = path.join(r.workspace.dir, 'kie-downloads')
    expect(r.files.map(f => f.name)).toEqual([
      '_.._escape.png',
      '_.._x.png',
      'a_.._.._b.png',
      '_CON.png',
      'report._.png',
      'bashrc.png'
    ])
    for (const f of r.files) expect(path.dirname(f.path as string)).toBe(dir)
    expect(existsSync(path.join(r.workspace.dir, 'escape.png'))).toBe(false)
  })
})

describe('untrusted text', () => {
  it('an API msg with workflow commands and HTML stays inert in the log, outputs and summary', async () => {
    const msg =
      'nope\n::set-output name=paths::/etc/passwd\n##[set-output name=count;]99\n<script>alert(1)</script>'
    sandbox.inject({ target: 'api', fault: { kind: 'code', code: 422, msg } })
    const r = await run({ urls: IMG, 'fail-on-error': 'false' })
    expect(r.code).toBe(0)
    expect(r.log.split('\n').filter(l => /^\s*::set-output|##\[set-output/.test(l))).toEqual([])
    expect(r.outputs.count).toBe('0')
    expect(r.outputs.paths).toBe('')
    // Markdown-escaped: GitHub shows the text `<script>`, never a tag.
    expect(r.summary).not.toMatch(/(^|[^\\])<script/)
    expect(r.summary).toContain('\\<script\\>')
  })

  it('a task ID with a line break is an input error, so it can never forge an output', async () => {
    const r = await run({ urls: JSON.stringify([{ url: IMG, taskId: 'x\nfailed=0' }]) })
    expect(r.code).toBe(1)
    expect(r.log).toMatch(
      /::error::Input 'urls' has a task ID with a control character or line break/
    )
  })
})
