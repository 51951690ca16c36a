// The bundled action as the runner runs it: files land as they finish, a cancel keeps them, account errors always fail.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { type ChildProcess } from 'node:child_process'
import type { RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { makeWorkspace } from '../scripts/runner.ts'
import { useSandbox } from './helpers/sandbox-suite.js'

const SLOW = 'https://tempfile.aiquickdraw.com/v/slow-first.mp4'
const SMALL = [1, 2, 3, 4, 5, 6].map(i => `https://tempfile.aiquickdraw.com/v/small-${i}.png`)

let sandbox: Sandbox
let slow: RegisteredFile
let small: RegisteredFile[]

const run = useSandbox(async started => {
  sandbox = started
  slow = await sandbox.register({ url: SLOW, size: 2 * 1024 * 1024 })
  small = []
  for (const url of SMALL) small.push(await sandbox.register({ url, size: 20 * 1024 }))
})

const downloads = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter(f => !f.startsWith('.'))
        .sort()
    : []
const temps = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.part')) : []

describe('files land as they finish', () => {
  it('a stalled first file holds back none of the others', async () => {
    // The stall ends when the six small files are seen in place (or after 2.5 s at the latest).
    sandbox.inject({
      target: 'file',
      url: SLOW,
      fault: { kind: 'stall', afterBytes: 64 * 1024, ms: 2500 }
    })
    const workspace = makeWorkspace()
    const dir = path.join(workspace.dir, 'kie-downloads')
    let seenWhileStalled: string[] = []
    const poll = setInterval(() => {
      if (seenWhileStalled.length === 0 && downloads(dir).length >= SMALL.length) {
        seenWhileStalled = downloads(dir)
        sandbox.releaseStalls()
      }
    }, 20)
    const r = await run({ urls: [SLOW, ...SMALL].join('\n') }, { workspace })
    clearInterval(poll)
    expect(r.code).toBe(0)
    // All six small files were in place under their final names while the first was still stalled.
    expect(seenWhileStalled).toEqual(SMALL.map(u => path.basename(u)).sort())
    expect(r.files.map(f => f.name)).toEqual([SLOW, ...SMALL].map(u => path.basename(u)))
    expect(r.files.map(f => f.sha256)).toEqual([slow, ...small].map(f => f.sha256))
  })
})

describe('cancellation', () => {
  it('SIGTERM keeps every finished file, removes temp files, reports the rest cancelled, and a skip re-run recovers', async () => {
    sandbox.inject({ target: 'file', url: SLOW, fault: { kind: 'stall', afterBytes: 64 * 1024 } })
    const workspace = makeWorkspace()
    const dir = path.join(workspace.dir, 'kie-downloads')
    let child: ChildProcess | undefined
    let signalledAt = 0
    const poll = setInterval(() => {
      if (!signalledAt && child && downloads(dir).length === SMALL.length) {
        signalledAt = Date.now()
        child.kill('SIGTERM')
      }
    }, 20)
    const r = await run(
      { urls: [...SMALL, SLOW].join('\n'), concurrency: '2' },
      { workspace, onLog: (_log, c) => (child = c) }
    )
    clearInterval(poll)
    const wound = Date.now() - signalledAt
    expect(signalledAt).toBeGreaterThan(0)
    expect(r.code).not.toBe(0)
    expect(wound).toBeLessThan(5_000)
    expect(downloads(dir)).toEqual(SMALL.map(u => path.basename(u)).sort())
    expect(temps(dir)).toEqual([])
    expect(r.files.map(f => [f.status, f.error])).toEqual([
      ...SMALL.map(() => ['downloaded', null]),
      ['failed', 'cancelled']
    ])
    expect(r.outputs.count).toBe(String(SMALL.length))
    expect(r.summary).not.toBe('')
    expect(r.log.match(/cancelled/gi)?.length).toBeGreaterThanOrEqual(1)
    expect(r.log).not.toMatch(/X-Amz-Signature=/)

    // Right after the cancel, a skip re-run fetches only what was missing.
    sandbox.clearFaults()
    sandbox.clearRequests()
    const again = await run(
      { urls: [...SMALL, SLOW].join('\n'), 'if-exists': 'skip' },
      { workspace }
    )
    expect(again.code).toBe(0)
    expect(again.files.map(f => f.status)).toEqual([...SMALL.map(() => 'skipped'), 'downloaded'])
    const apiUrls = sandbox.requests.filter(q => q.target === 'api').map(q => q.url)
    expect(apiUrls).toEqual([SLOW])
  })
})

describe('account errors and big lists', () => {
  it('a bad key fails the step even with fail-on-error: false, saying so once', async () => {
    const r = await run({
      urls: SMALL.join('\n'),
      'api-key': 'sk-wrong-key',
      'fail-on-error': 'false'
    })
    expect(r.code).not.toBe(0)
    expect(r.log.match(/^::error::/gm)).toHaveLength(1)
    expect(r.files.every(f => f.status === 'failed')).toBe(true)
    // The calls already under way when the 401 came (concurrency 4), and not one more.
    expect(sandbox.requests.filter(q => q.target === 'api')).toHaveLength(4)
    expect(downloads(path.join(r.workspace.dir, 'kie-downloads'))).toEqual([])
    expect(existsSync(path.join(r.workspace.dir, 'kie-downloads', '.kie-download.json'))).toBe(
      false
    )
  })

  it('6,000 URLs in urls-file: parsed, stopped by a bad key at once, outputs within GitHub limits with the manifest', async () => {
    // A failed entry of `files` is about 186 bytes (most of it the 401's reason): 6,000 of them
    // pass GitHub's 1 MB for one output, the case this test is about (checked below).
    const N = 6_000
    const urls = Array.from({ length: N }, (_, i) => `https://tempfile.aiquickdraw.com/v/n${i}.png`)
    const workspace = makeWorkspace()
    writeFileSync(path.join(workspace.dir, 'urls.txt'), ['# the nightly list', ...urls].join('\n'))
    const r = await run({ 'urls-file': 'urls.txt', 'api-key': 'sk-wrong-key' }, { workspace })
    expect(r.code).not.toBe(0)
    // The calls already under way when the 401 came (concurrency 4), and not one more.
    expect(sandbox.requests.filter(q => q.target === 'api')).toHaveLength(4)
    // `files` would pass 1 MB: left unset with a warning that points at `manifest`.
    const json = readFileSync(r.outputs.manifest, 'utf8')
    expect(Buffer.byteLength(json)).toBeGreaterThan(1_000_000)
    expect(r.outputs.files).toBeUndefined()
    expect(r.log).toMatch(
      /^::warning::The `files` output would be .*over GitHub's limit.*manifest/m
    )
    expect(r.outputs.count).toBe('0')
    expect(r.outputs.failed).toBe(String(N))
    const manifest = JSON.parse(json) as Array<{ url: string }>
    expect(manifest.map(f => f.url)).toEqual(urls)
    expect(r.log.split('\n').length).toBeLessThan(30)
    expect(Buffer.byteLength(r.summary)).toBeLessThan(10 * 1024)
  })
})

describe('hosts and records that cannot be trusted', () => {
  const FILE = SMALL[0]

  it('a 206 answer to a plain request is not a file: retried, then the whole file lands', async () => {
    sandbox.inject({ target: 'file', url: FILE, fault: { kind: 'partial', status: 206 } })
    const r = await run({ urls: FILE, retries: '2' })
    expect(r.code).toBe(0)
    expect(r.files[0]).toMatchObject({ status: 'downloaded', sha256: small[0].sha256 })
    expect(sandbox.requests.filter(q => q.target === 'file').map(q => q.status)).toEqual([206, 200])
  })

  it('a gzip-encoded body is saved decoded, as a browser would save it', async () => {
    sandbox.inject({ target: 'file', url: FILE, fault: { kind: 'encode', encoding: 'gzip' } })
    const r = await run({ urls: FILE })
    expect(r.code).toBe(0)
    expect(r.files[0]).toMatchObject({ sha256: small[0].sha256, bytes: small[0].size })
    expect(
      createHash('sha256')
        .update(readFileSync(r.files[0].path as string))
        .digest('hex')
    ).toBe(small[0].sha256)
  })

  it('a host trickling a byte a second is abandoned after `timeout` and the file fetched again', async () => {
    sandbox.inject({ target: 'file', url: FILE, fault: { kind: 'trickle', bytesPerSecond: 1 } })
    const r = await run({ urls: FILE, timeout: '0.5', retries: '2' })
    expect(r.code).toBe(0)
    expect(r.files[0]).toMatchObject({ status: 'downloaded', sha256: small[0].sha256 })
    expect(r.log).toMatch(/under 1 KiB\/s for 0.5 s/)
  })

  it('a damaged record (files: null) is set aside with a warning instead of crashing the run', async () => {
    const workspace = makeWorkspace()
    const dir = path.join(workspace.dir, 'kie-downloads')
    mkdirSync(dir)
    writeFileSync(
      path.join(dir, '.kie-download.json'),
      JSON.stringify({ version: 2, filename: '{name}', files: null })
    )
    const r = await run({ urls: FILE, 'if-exists': 'skip' }, { workspace })
    expect(r.code).toBe(0)
    expect(r.log).toMatch(/^::warning::.*\.kie-download\.json.*set it aside/m)
    expect(r.files[0].status).toBe('downloaded')
    expect(readdirSync(dir).some(f => f.startsWith('.kie-download.json.bad-'))).toBe(true)
  })

  it('registers one mask per signed URL, and the shared credential once', async () => {
    const r = await run({ urls: SMALL.join('\n') })
    expect(r.code).toBe(0)
    const masks = r.log.split('\n').filter(l => l.startsWith('::add-mask::'))
    // The API key, then each URL's signature, and the credential as written and decoded, once.
    expect(masks).toHaveLength(1 + SMALL.length + 2)
    expect(new Set(masks).size).toBe(masks.length)
  })
})
