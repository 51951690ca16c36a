// End to end: the committed dist/index.js, spawned as the runner spawns it, against the loopback sandbox.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { type Fault, type LoggedRequest, type RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { type DistRun, makeWorkspace } from '../scripts/runner.ts'
import { useSandbox } from './helpers/sandbox-suite.js'

const IMG = 'https://tempfile.aiquickdraw.com/v/e2e-image.png'
const VID = 'https://tempfile.aiquickdraw.com/p/e2e-video.mp4'
const AUD = 'https://musicfile.kie.ai/s/ZTJlLWF1ZGlv'
const GONE = 'https://tempfile.aiquickdraw.com/v/not-generated.png'

let sandbox: Sandbox
let img: RegisteredFile
let vid: RegisteredFile
let aud: RegisteredFile

const run = useSandbox(async started => {
  sandbox = started
  img = await sandbox.register({ url: IMG, size: 300 * 1024 })
  vid = await sandbox.register({ url: VID, size: 3 * 1024 * 1024, taskId: 'task-video' })
  aud = await sandbox.register({ url: AUD, size: 200 * 1024, contentType: 'audio/mpeg' })
})

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')

/** Every reported file is on disk with the sandbox's bytes, and nothing half-written lies around. */
function expectIntact(r: DistRun, expected: RegisteredFile[]): void {
  const done = r.files.filter(f => f.status !== 'failed')
  expect(done.map(f => f.sha256)).toEqual(expected.map(e => e.sha256))
  for (const f of done) expect(sha256(f.path as string)).toBe(f.sha256)
  expect(leftovers(r)).toEqual([])
}

function leftovers(r: DistRun): string[] {
  const dir = path.join(r.workspace.dir, 'kie-downloads')
  return existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.part')) : []
}

describe('the bundled action against the sandbox', () => {
  it('downloads from both endpoints with exactly the documented outputs', async () => {
    const r = await run({ urls: JSON.stringify([IMG, { url: VID, taskId: 'task-video' }, AUD]) })
    expect(r.code).toBe(0)
    const dir = path.join(r.workspace.dir, 'kie-downloads')
    expect(r.outputs).toEqual({
      paths: ['e2e-image.png', 'e2e-video.mp4', 'ZTJlLWF1ZGlv.mp3']
        .map(n => path.join(dir, n))
        .join('\n'),
      files: expect.any(String),
      count: '3',
      downloaded: '3',
      failed: '0',
      dir,
      tasks: '[]',
      manifest: expect.stringMatching(/\.json$/)
    })
    expect(JSON.parse(readFileSync(r.outputs.manifest, 'utf8'))).toEqual(r.files)
    expect(r.files.map(f => [f.name, f.taskId, f.bytes, f.contentType, f.status, f.error])).toEqual(
      [
        ['e2e-image.png', null, img.size, 'image/png', 'downloaded', null],
        ['e2e-video.mp4', 'task-video', vid.size, 'video/mp4', 'downloaded', null],
        ['ZTJlLWF1ZGlv.mp3', null, aud.size, 'audio/mpeg', 'downloaded', null]
      ]
    )
    expectIntact(r, [img, vid, aud])
    const apiCalls = sandbox.requests.filter(q => q.target === 'api')
    expect(apiCalls.map(q => q.path).sort()).toEqual([
      '/api/v1/common/download-url',
      '/api/v1/common/download-url',
      '/api/v1/gpt4o-image/download-url'
    ])
    expect(apiCalls.find(q => q.path.includes('gpt4o'))?.body).toEqual({
      taskId: 'task-video',
      url: VID
    })
    // The file host never sees the key.
    expect(sandbox.requests.filter(q => q.target === 'file' && q.headers.authorization)).toEqual([])
    expect(r.summary).toContain('| # | File | Size | Type | Source | Status |')
    expect(r.summary).toContain('`e2e-image.png`')
  })

  it('reads newline lists, task-ids by position and urls-file', async () => {
    const ws = makeWorkspace()
    writeFileSync(path.join(ws.dir, 'more.txt'), `${AUD}\n`)
    const r = await run(
      { urls: `${IMG},\n${VID}`, 'task-ids': '\n', 'urls-file': 'more.txt', endpoint: 'common' },
      { workspace: ws }
    )
    expect(r.code).toBe(0)
    expectIntact(r, [img, vid, aud])
  })

  it('endpoint gpt4o-image with one task ID for all; a wrong task ID is a clear 422', async () => {
    const r = await run({ urls: VID, 'task-ids': 'task-video', endpoint: 'gpt4o-image' })
    expectIntact(r, [vid])
    const bad = await run({ urls: VID, 'task-ids': 'someone-else', 'fail-on-error': 'false' })
    expect(bad.code).toBe(0)
    expect(bad.files[0].error).toMatch(/422: validation error.*record is null/)
  })

  it('names files by template, with subfolders', async () => {
    const r = await run({
      urls: `${IMG}\n${VID}`,
      'task-ids': 'task-video',
      filename: '{taskId}/{index}-{name}',
      endpoint: 'gpt4o-image'
    })
    expect(r.files.map(f => f.name)).toEqual([
      'task-video/1-e2e-image.png',
      'task-video/2-e2e-video.mp4'
    ])
    expectIntact(r, [img, vid])
    expect(
      existsSync(path.join(r.workspace.dir, 'kie-downloads', 'task-video', '2-e2e-video.mp4'))
    ).toBe(true)
  })

  it('if-exists skip: a second run makes no request at all', async () => {
    const ws = makeWorkspace()
    await run({ urls: `${IMG}\n${AUD}`, 'if-exists': 'skip' }, { workspace: ws })
    sandbox.clearRequests()
    const again = await run({ urls: `${IMG}\n${AUD}`, 'if-exists': 'skip' }, { workspace: ws })
    expect(again.code).toBe(0)
    expect(again.files.map(f => f.status)).toEqual(['skipped', 'skipped'])
    expectIntact(again, [img, aud])
    expect(sandbox.requests).toEqual([])
  })

  it('if-exists fail: the entry fails and the existing file is untouched', async () => {
    const ws = makeWorkspace()
    mkdirSync(path.join(ws.dir, 'kie-downloads'))
    writeFileSync(path.join(ws.dir, 'kie-downloads', 'e2e-image.png'), 'mine')
    const r = await run({ urls: IMG, 'if-exists': 'fail' }, { workspace: ws })
    expect(r.code).toBe(1)
    expect(r.files[0].status).toBe('failed')
    expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'e2e-image.png'), 'utf8')).toBe('mine')
  })

  it('fail-on-error true fails the step after writing outputs; false only warns', async () => {
    const failing = await run({ urls: `${IMG}\n${GONE}` })
    expect(failing.code).toBe(1)
    expect(failing.outputs.failed).toBe('1')
    expect(failing.outputs.count).toBe('1')
    expect(failing.log).toMatch(/::error::1 of 2 files failed/)
    const warning = await run({ urls: `${IMG}\n${GONE}`, 'fail-on-error': 'false' })
    expect(warning.code).toBe(0)
    expect(warning.log).toMatch(/::warning::1 of 2 files failed:%0A#2 not-generated.png: .*422/)
  })
})

describe('faults, injected once or twice, cost time but not the run', () => {
  const quick = { retries: '4', timeout: '2' }

  it('kie.ai code 429 twice with Retry-After: 1', async () => {
    sandbox.inject({
      target: 'api',
      fault: {
        kind: 'code',
        code: 429,
        msg: 'Rate limit exceeded',
        httpStatus: 429,
        retryAfter: '1'
      },
      times: 2
    })
    const r = await run({ urls: IMG, ...quick })
    expectIntact(r, [img])
    // Rate limits are waited out by the API governor, not counted as retries.
    expect(
      r.log.match(/kie.ai is rate-limiting this key: every API call waits 1\.0 s/g)
    ).toHaveLength(2)
    expect(r.log).not.toMatch(/retry \d\/4/)
    expect(r.ms).toBeGreaterThanOrEqual(2000)
  })

  // Each fault below hits an image of its own (twice, or once for a body code) in one run of them
  // all, beside AUD, which none hits: retried side by side, the faults cost the run the slowest
  // one's time, not the sum. concurrency 16 starts every entry at once; a stall holds an attempt
  // for `timeout`, 0.5 s.
  const TWICE = [
    ['api', 'a 503 with Retry-After', { kind: 'status', status: 503, retryAfter: '0' }],
    ['file', 'a 503 with Retry-After', { kind: 'status', status: 503, retryAfter: '0' }],
    ['api', 'a connection reset before the answer', { kind: 'reset' }],
    ['file', 'a connection reset before the answer', { kind: 'reset' }],
    ['file', 'a body cut by a reset', { kind: 'cut', afterBytes: 50_000, mode: 'reset' }],
    ['file', 'a body cut by a clean close', { kind: 'cut', afterBytes: 50_000, mode: 'close' }],
    ['file', 'a stalled body', { kind: 'stall', afterBytes: 50_000 }],
    ['api', 'a stalled API', { kind: 'stall' }],
    ['api', 'an expired signed URL', { kind: 'expired' }],
    ['api', 'a bad signature', { kind: 'badSignature' }]
  ] as const
  const BODY_CODES = [455, 500] as const
  const faulted = [
    ...TWICE.map(([target, what, fault]) => ({
      name: `${target}: ${what}`,
      rule: { target, fault: fault as Fault, times: 2 }
    })),
    ...BODY_CODES.map(code => ({
      name: `kie.ai body code ${code}`,
      rule: {
        target: 'api' as const,
        fault: { kind: 'code', code, retryAfter: '0' } as Fault,
        times: 1
      }
    }))
  ].map((f, i) => ({ ...f, url: `https://tempfile.aiquickdraw.com/v/fault-${i}.png` }))
  let table: { r: DistRun; requests: LoggedRequest[]; expected: RegisteredFile[] }

  beforeAll(async () => {
    const expected: RegisteredFile[] = []
    for (const { url, rule } of faulted) {
      expected.push(await sandbox.register({ url, size: img.size }))
      sandbox.inject({ ...rule, url })
    }
    const urls = [...faulted.map(f => f.url), AUD].join('\n')
    const r = await run({ urls, ...quick, timeout: '0.5', concurrency: '16' })
    table = { r, requests: [...sandbox.requests], expected: [...expected, aud] }
    // The tests after this run start from a clean log, as after any test.
    sandbox.clearRequests()
  }, 30_000)

  /** The faults `name` met in the one run, as [target, kind], and the ones injected for it. */
  function met(name: string): { met: string[][]; injected: string[][] } {
    const { url, rule } = faulted.find(f => f.name === name) as (typeof faulted)[number]
    return {
      met: table.requests.filter(q => q.url === url && q.fault).map(q => [q.target, q.fault ?? '']),
      injected: Array.from({ length: rule.times }, () => [rule.target, rule.fault.kind])
    }
  }

  it.each(BODY_CODES)('kie.ai body code %i', code => {
    expect(table.r.code).toBe(0)
    expectIntact(table.r, table.expected)
    const { met: hits, injected } = met(`kie.ai body code ${code}`)
    expect(hits).toEqual(injected)
  })

  it.each(TWICE)('%s: %s', (target, what, _fault) => {
    expect(table.r.code).toBe(0)
    expectIntact(table.r, table.expected)
    const { met: hits, injected } = met(`${target}: ${what}`)
    expect(hits).toEqual(injected)
  })

  it('an expired signed URL is exchanged for a fresh one from the API', async () => {
    sandbox.inject({ target: 'api', fault: { kind: 'expired' }, url: IMG })
    const r = await run({ urls: IMG, ...quick })
    expectIntact(r, [img])
    const calls = sandbox.requests.map(q => `${q.target} ${q.status ?? '-'}`)
    expect(calls).toEqual(['api 200', 'file 403', 'api 200', 'file 200'])
  })

  it('a redirect to another host is followed without the key', async () => {
    // Another host: a second sandbox, on its own port, that did not sign the URL it is sent to.
    const other = await Sandbox.start()
    try {
      const there = await other.register({ url: AUD, size: 1000 })
      const location = `${other.fileBaseUrl}/${there.objectPath}?bad=1`
      sandbox.inject({ target: 'file', url: IMG, fault: { kind: 'redirect', location } })
      const r = await run({ urls: IMG, ...quick, 'fail-on-error': 'false' })
      // The other host refuses the unsigned request (403), then a fresh URL succeeds.
      expectIntact(r, [img])
      const key = sandbox.apiKey
      // The key was in play: every API call carried it.
      const api = sandbox.requests.filter(q => q.target === 'api')
      expect(api.map(q => q.headers.authorization)).toEqual(api.map(() => `Bearer ${key}`))
      // Followed: the other host got the redirect's request, without an Authorization header
      // (with one it would have answered 400, as S3 does, not 403).
      expect(
        other.requests.map(q => [q.method, q.path, q.query, q.status, q.headers.authorization])
      ).toEqual([['GET', `/${there.objectPath}`, { bad: '1' }, 403, undefined]])
      // The key as written reaches no file host, in any header, path or query ...
      const files = [...sandbox.requests.filter(q => q.target === 'file'), ...other.requests]
      expect(files).toHaveLength(3)
      for (const q of files) {
        expect(JSON.stringify([q.path, q.query, q.headers])).not.toContain(key)
      }
      // ... nor any output, the manifest or the summary, nor any log line but the mask command.
      const manifest = readFileSync(r.outputs.manifest, 'utf8')
      for (const text of [JSON.stringify(r.outputs), manifest, r.summary]) {
        expect(text).not.toContain(key)
      }
      expect(r.log.split('\n').filter(line => line.includes(key))).toEqual([`::add-mask::${key}`])
    } finally {
      await other.close()
    }
  })
})

describe('permanent faults end as a clear failed entry with nothing on disk', () => {
  const options = { retries: '1', timeout: '2' }
  // Failures of one file: each meets an image of its own, all in one run.
  const PER_FILE = [
    ['api', { kind: 'code', code: 500 }, /answered 500: kie.ai server error/],
    ['file', { kind: 'status', status: 503 }, /file host answered HTTP 503/],
    ['file', { kind: 'cut', afterBytes: 1000, mode: 'close' }, /cut short|ECONNRESET|aborted/],
    ['api', { kind: 'code', code: 451 }, /answered 451: kie.ai failed to fetch the image/],
    [
      'api',
      { kind: 'signedUrl', data: 'javascript:alert(1)' },
      /refused a download URL with scheme "javascript:"/
    ]
  ] as const
  // Account errors stop the whole run: a run each.
  const ACCOUNT = [
    ['api', { kind: 'code', code: 401, httpStatus: 401 }, /answered 401: unauthorized/],
    ['api', { kind: 'code', code: 402 }, /answered 402: insufficient credits/]
  ] as const
  const urls = PER_FILE.map((_, i) => `https://tempfile.aiquickdraw.com/v/permanent-${i}.png`)
  let shared: DistRun

  beforeAll(async () => {
    for (const [i, [target, fault]] of PER_FILE.entries()) {
      await sandbox.register({ url: urls[i], size: img.size })
      sandbox.inject({ target, fault, url: urls[i], times: Infinity })
    }
    shared = await run({ urls: urls.join('\n'), ...options, concurrency: '8' })
    sandbox.clearFaults()
    sandbox.clearRequests()
  }, 30_000)

  /** What a permanent fault must leave: a failed step, a failed entry with no path, and its reason. */
  const outcome = (r: DistRun, index: number) => ({
    code: r.code,
    status: r.files[index].status,
    path: r.files[index].path,
    error: r.files[index].error,
    // A run that placed nothing leaves nothing behind, not even the folder it made.
    folder: existsSync(path.join(r.workspace.dir, 'kie-downloads'))
  })
  const failedClearly = (message: RegExp) => ({
    code: 1,
    status: 'failed',
    path: null,
    error: expect.stringMatching(message),
    folder: false
  })

  it.each(PER_FILE)('%s %j', (_target, fault, message) => {
    const index = PER_FILE.findIndex(([, f]) => f === fault)
    expect(outcome(shared, index)).toEqual(failedClearly(message))
  })

  it.each(ACCOUNT)('%s %j', async (target, fault, message) => {
    sandbox.inject({ target, fault, url: IMG, times: Infinity })
    expect(outcome(await run({ urls: IMG, ...options }), 0)).toEqual(failedClearly(message))
  })
})
