// The whole action in-process against the kie.ai sandbox: inputs to outputs, names, if-exists, failures, retries, re-runs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { COMMON_PATH, GPT4O_PATH, type RegisterOptions, Sandbox } from '../sandbox/index.ts'
import type { Clock } from '../src/util/clock.js'
import { makeWorkspace, type Workspace } from '../scripts/runner.ts'
import { type ActionRun, instantClock, runAction } from './helpers/run-action.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await Sandbox.start()
})
afterAll(() => sb.close())
afterEach(() => {
  sb.clearFaults()
  sb.clearRequests()
})

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const shaOf = (file: string): string => sha(readFileSync(file))

/** kie.ai made this file: `size` bytes of the sandbox's content, typed by its URL if not given. */
function kie(url: string, size = 64, options: Omit<RegisterOptions, 'url' | 'size'> = {}) {
  return sb.register({ url, size, ...options })
}

/**
 * The test's requests from the `from`th on, in order: `common <url>` and `gpt4o <taskId> <url>`
 * for a download-url call with exactly that body, `GET <url> <status>` for the file host.
 */
function calls(from = 0): string[] {
  return sb.requests.slice(from).map(r => {
    const body = r.body as Record<string, unknown> | undefined
    const keys = Object.keys(body ?? {})
      .sort()
      .join()
    if (r.target === 'file') return `${r.method} ${r.url} ${r.status}`
    if (r.path === COMMON_PATH && keys === 'url') return `common ${r.url}`
    if (r.path === GPT4O_PATH && keys === 'taskId,url') return `gpt4o ${body?.taskId} ${r.url}`
    return `${r.method} ${r.path} ${JSON.stringify(body)}`
  })
}

/**
 * Runs the action in-process against the sandbox, on an instant clock unless given one. Every run:
 * the key goes with each API call and never to the file host.
 */
async function run(
  inputs: Record<string, string>,
  options: { workspace?: Workspace; clock?: Clock } = {}
): Promise<ActionRun> {
  const from = sb.requests.length
  const r = await runAction(
    { 'api-key': sb.apiKey, 'base-url': sb.baseUrl, ...inputs },
    { workspace: options.workspace, deps: { clock: options.clock ?? instantClock() } }
  )
  const key = `Bearer ${sb.apiKey}`
  const wrongKey = sb.requests
    .slice(from)
    .filter(q => q.headers.authorization !== (q.target === 'api' ? key : undefined))
  expect(wrongKey.map(q => `${q.target} ${q.url} ${q.headers.authorization}`)).toEqual([])
  return r
}

describe('run', () => {
  it('downloads from the common endpoint and sets every output', async () => {
    const url = 'https://tempfile.aiquickdraw.com/v/cat.png'
    const cat = await kie(url, 9)
    const r = await run({ urls: url })
    expect(r.failed).toBe(false)
    const dir = path.join(r.workspace.dir, 'kie-downloads')
    expect(r.outputs.dir).toBe(dir)
    expect(r.outputs.paths).toBe(path.join(dir, 'cat.png'))
    expect(r.outputs.count).toBe('1')
    expect(r.outputs.failed).toBe('0')
    expect(r.files).toEqual([
      {
        url,
        taskId: null,
        path: path.join(dir, 'cat.png'),
        name: 'cat.png',
        bytes: cat.size,
        sha256: cat.sha256,
        contentType: 'image/png',
        status: 'downloaded',
        error: null
      }
    ])
    expect(shaOf(path.join(dir, 'cat.png'))).toBe(cat.sha256)
    expect(readdirSync(dir).sort()).toEqual(['.kie-download.json', 'cat.png'])
    expect(r.summary).toContain('cat.png')
    expect(calls()).toEqual([`common ${url}`, `GET ${url} 200`])
  })

  it('uses the gpt4o-image endpoint for entries with a task ID, from JSON items and task-ids', async () => {
    const a = 'https://tempfile.aiquickdraw.com/v/a.png'
    const b = 'https://tempfile.aiquickdraw.com/v/b.png'
    // The 4o endpoint answers each file only with its own task ID.
    await kie(a, 64, { taskId: 'task-a' })
    await kie(b, 64, { taskId: 'task-all' })
    const urls = JSON.stringify([{ url: a, taskId: 'task-a' }, b])
    const r = await run({ urls, 'task-ids': 'task-all' })
    expect(r.failed).toBe(false)
    expect(r.files.map(f => [f.name, f.taskId, f.status])).toEqual([
      ['a.png', 'task-a', 'downloaded'],
      ['b.png', 'task-all', 'downloaded']
    ])
    expect(calls().sort()).toEqual([
      `GET ${a} 200`,
      `GET ${b} 200`,
      `gpt4o task-a ${a}`,
      `gpt4o task-all ${b}`
    ])
  })

  it('reads more URLs from urls-file after those of urls', async () => {
    const ws = makeWorkspace()
    writeFileSync(path.join(ws.dir, 'list.txt'), 'https://tempfile.aiquickdraw.com/v/2.png\n\n')
    await kie('https://tempfile.aiquickdraw.com/v/1.png')
    await kie('https://tempfile.aiquickdraw.com/v/2.png')
    const r = await run(
      { urls: 'https://tempfile.aiquickdraw.com/v/1.png', 'urls-file': 'list.txt' },
      { workspace: ws }
    )
    expect(r.files.map(f => f.name)).toEqual(['1.png', '2.png'])
  })

  it('takes the extension from Content-Type when the URL has none', async () => {
    await kie('https://musicfile.kie.ai/s/c29uZw', 64, { contentType: 'audio/mpeg' })
    const r = await run({ urls: 'https://musicfile.kie.ai/s/c29uZw' })
    expect(r.files[0]).toMatchObject({
      name: 'c29uZw.mp3',
      contentType: 'audio/mpeg',
      status: 'downloaded'
    })
  })

  it('names colliding entries -2, -3 by input order (case-insensitively) whatever finishes first', async () => {
    const urls = [
      'https://a.example/x/img.png',
      'https://b.example/y/IMG.png',
      'https://c.example/z/img.png'
    ]
    const files = await Promise.all(urls.map(u => kie(u)))
    // The first file finishes last: its answer waits until the other two are served whole.
    // Names must not follow finishing order.
    sb.inject({
      target: 'file',
      url: urls[0],
      fault: { kind: 'awaitServed', urls: urls.slice(1) }
    })
    const r = await run({ urls: urls.join(',') })
    expect(r.files.map(f => f.name)).toEqual(['img.png', 'IMG-2.png', 'img-3.png'])
    expect(shaOf(r.files[0].path as string)).toBe(files[0].sha256)
    expect(sb.requests.find(q => q.url === urls[0] && q.target === 'file')?.fault).toBe(
      'awaitServed'
    )
  })

  it('resolves and downloads a URL listed twice only once; both entries report the same path', async () => {
    const u = 'https://tempfile.aiquickdraw.com/v/dup.png'
    await kie(u)
    const r = await run({ urls: `${u}\n${u}` })
    expect(r.files).toHaveLength(2)
    expect(r.files[0].path).toBe(r.files[1].path)
    expect(r.outputs.count).toBe('1')
    expect(r.outputs.paths.split('\n')).toHaveLength(1)
    expect(calls()).toEqual([`common ${u}`, `GET ${u} 200`])
  })

  it('renders the filename template with subfolders', async () => {
    await kie('https://tempfile.aiquickdraw.com/v/a.png', 64, { taskId: 'task-1' })
    const r = await run({
      urls: 'https://tempfile.aiquickdraw.com/v/a.png',
      'task-ids': 'task-1',
      filename: '{taskId}/{index}-{stem}{ext}'
    })
    expect(r.files[0].name).toBe('task-1/1-a.png')
    expect(existsSync(path.join(r.workspace.dir, 'kie-downloads', 'task-1', '1-a.png'))).toBe(true)
  })

  describe('if-exists', () => {
    it('skip: a re-run makes no request and reports the file with its bytes and sha256', async () => {
      const ws = makeWorkspace()
      const song = await kie('https://musicfile.kie.ai/s/song', 7, { contentType: 'audio/mpeg' })
      const first = await run(
        { urls: 'https://musicfile.kie.ai/s/song', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(first.files[0].status).toBe('downloaded')
      const before = sb.requests.length
      const again = await run(
        { urls: 'https://musicfile.kie.ai/s/song', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(calls(before)).toEqual([])
      expect(again.failed).toBe(false)
      expect(again.files[0]).toMatchObject({
        status: 'skipped',
        name: 'song.mp3',
        bytes: 7,
        sha256: song.sha256
      })
      expect(again.outputs.paths).toBe(first.outputs.paths)
    })

    it('skip: a file already there from elsewhere is hashed and kept', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads'))
      writeFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'kept')
      const r = await run(
        { urls: 'https://tempfile.aiquickdraw.com/v/old.png', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(r.files[0]).toMatchObject({
        status: 'skipped',
        bytes: 4,
        sha256: sha('kept')
      })
      expect(calls()).toEqual([])
    })

    it('fail: the entry fails, the file is untouched, and no request is made', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads'))
      writeFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'mine')
      const r = await run(
        { urls: 'https://tempfile.aiquickdraw.com/v/old.png', 'if-exists': 'fail' },
        { workspace: ws }
      )
      expect(r.failed).toBe(true)
      expect(r.files[0]).toMatchObject({ status: 'failed', path: null })
      expect(r.files[0].error).toMatch(/^already there; left untouched \(if-exists: fail/)
      expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'utf8')).toBe('mine')
      expect(calls()).toEqual([])
    })

    it('a folder standing where the record goes is set aside with a warning, and a fresh record is written', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads', '.kie-download.json'), { recursive: true })
      writeFileSync(path.join(ws.dir, 'kie-downloads', '.kie-download.json', 'blocker'), '')
      await kie('https://tempfile.aiquickdraw.com/v/rec.png')
      const r = await run({ urls: 'https://tempfile.aiquickdraw.com/v/rec.png' }, { workspace: ws })
      expect(r.failed).toBe(false)
      expect(r.files[0].status).toBe('downloaded')
      expect(r.log).toMatch(
        /::warning::.kie-download.json in .* is not a regular file.*set it aside/
      )
      const left = readdirSync(path.join(ws.dir, 'kie-downloads')).sort()
      expect(left).toEqual([
        '.kie-download.json',
        expect.stringMatching(/^\.kie-download\.json\.bad-/),
        'rec.png'
      ])
      expect(statSync(path.join(ws.dir, 'kie-downloads', '.kie-download.json')).isFile()).toBe(true)
    })

    it('skip, sharded: a URL without an extension whose name holds another URL’s file fails, the file untouched', async () => {
      const ws = makeWorkspace()
      const song = 'https://tempfile.aiquickdraw.com/v/song.mp3'
      const open = 'https://musicfile.kie.ai/s/song'
      const first = await kie(song)
      await kie(open, 64, { contentType: 'audio/mpeg' })
      const both = { urls: `${song}\n${open}`, shard: '1/1' }
      const r = await run(both, { workspace: ws })
      // `song` stays free for any extension: song.mp3 (listed first) gets its own name.
      expect(r.files.map(f => f.name)).toEqual(['song.mp3', 'song-2.mp3'])
      // Only the URL without an extension is listed now: from the list alone it is song.mp3,
      // which holds the other URL's file. It is fetched (its extension is not known before) and
      // then left out, never skipped as if it were that file, nor written over it.
      const before = sb.requests.length
      const again = await run({ urls: open, shard: '1/1', 'if-exists': 'skip' }, { workspace: ws })
      expect(calls(before)).toEqual([`common ${open}`, `GET ${open} 200`])
      expect(again.failed).toBe(true)
      expect(again.files[0]).toMatchObject({ name: 'song.mp3', status: 'failed', path: null })
      expect(again.files[0].error).toMatch(/the file of another URL from an earlier run/)
      const dir = path.join(ws.dir, 'kie-downloads')
      expect(shaOf(path.join(dir, 'song.mp3'))).toBe(first.sha256)
      expect(readdirSync(dir).filter(f => f.startsWith('.kie-download-'))).toEqual([])
    })

    it('overwrite: replaces the file', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads'))
      writeFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'mine')
      const fresh = await kie('https://tempfile.aiquickdraw.com/v/old.png')
      const r = await run({ urls: 'https://tempfile.aiquickdraw.com/v/old.png' }, { workspace: ws })
      expect(r.files[0].status).toBe('downloaded')
      expect(shaOf(path.join(ws.dir, 'kie-downloads', 'old.png'))).toBe(fresh.sha256)
    })
  })

  describe('failures', () => {
    const recordIsNull = { kind: 'code', code: 422, msg: 'record is null' } as const

    it('fail-on-error true: outputs and summary are written, then the step fails once', async () => {
      const gone = 'https://tempfile.aiquickdraw.com/v/gone.png'
      sb.inject({ target: 'api', url: gone, fault: recordIsNull })
      await kie('https://tempfile.aiquickdraw.com/v/ok.png')
      const r = await run({
        urls: `${gone}\nhttps://tempfile.aiquickdraw.com/v/ok.png`,
        concurrency: '1'
      })
      expect(r.failed).toBe(true)
      expect(r.outputs.failed).toBe('1')
      expect(r.outputs.count).toBe('1')
      expect(r.files[0]).toMatchObject({ status: 'failed', path: null })
      expect(r.files[0].error).toMatch(/422.*validation error.*record is null/)
      expect(r.summary).toContain('failed')
      expect(r.log.match(/^::error::/gm)).toHaveLength(1)
      expect(readdirSync(path.join(r.workspace.dir, 'kie-downloads')).sort()).toEqual([
        '.kie-download.json',
        'ok.png'
      ])
    })

    it('fail-on-error false: failures become warnings and the step succeeds', async () => {
      const gone = 'https://tempfile.aiquickdraw.com/v/gone.png'
      sb.inject({ target: 'api', url: gone, fault: recordIsNull })
      const r = await run({ urls: gone, 'fail-on-error': 'false' })
      expect(r.failed).toBe(false)
      expect(r.outputs.failed).toBe('1')
      expect(r.log).toMatch(/^::warning::1 of 1 file failed:%0A#1 gone.png: .*422/m)
    })

    it('401 stops new entries and says so once', async () => {
      const urls = ['a', 'b', 'c'].map(n => `https://tempfile.aiquickdraw.com/v/${n}.png`)
      await Promise.all(urls.map(u => kie(u)))
      sb.inject({
        target: 'api',
        fault: { kind: 'code', code: 401, msg: 'bad key', httpStatus: 401 },
        times: Infinity
      })
      const r = await run({ urls: urls.join('\n'), concurrency: '1' })
      expect(r.files.map(f => f.status)).toEqual(['failed', 'failed', 'failed'])
      expect(r.files[0].error).toMatch(/answered 401: unauthorized/)
      expect(r.files[1].error).toBe('not started')
      expect(r.log.match(/Stopped/g)).toHaveLength(1)
      // One call, the one refused: none after it.
      expect(calls()).toEqual([`common ${urls[0]}`])
    })

    it('an input error fails before any request, naming the input, with every output set', async () => {
      const r = await run({ urls: 'ftp://x.example/a.png' })
      expect(r.failed).toBe(true)
      expect(r.log).toMatch(/::error::Input 'urls' has a URL with scheme "ftp:"/)
      expect(r.outputs).toEqual({
        count: '0',
        downloaded: '0',
        failed: '0',
        dir: path.join(r.workspace.dir, 'kie-downloads'),
        paths: '',
        files: '[]',
        tasks: '[]',
        manifest: expect.stringMatching(/\.json$/)
      })
      expect(JSON.parse(readFileSync(r.outputs.manifest, 'utf8'))).toEqual([])
      // Nothing was created for it, and nothing asked.
      expect(existsSync(path.join(r.workspace.dir, 'kie-downloads'))).toBe(false)
      expect(calls()).toEqual([])
    })

    it('an invalid path still sets every output, with dir empty', async () => {
      const r = await run({ urls: 'https://x.example/a.png', path: '' })
      expect(r.failed).toBe(true)
      expect(r.outputs).toMatchObject({ count: '0', downloaded: '0', failed: '0', dir: '' })
    })
  })
})

describe('reliability', () => {
  const U = 'https://tempfile.aiquickdraw.com/v/r.png'

  it('waits out kie.ai 429s as Retry-After asks, without using up retries', async () => {
    await kie(U)
    sb.inject({
      target: 'api',
      url: U,
      fault: {
        kind: 'code',
        code: 429,
        msg: 'Rate limit exceeded',
        httpStatus: 429,
        retryAfter: '1'
      },
      times: 2
    })
    const clock = instantClock()
    const r = await run({ urls: U, retries: '0' }, { clock })
    expect(r.files[0].status).toBe('downloaded')
    // Two pauses of one second each (a wake-up may be computed a millisecond after the pause began).
    expect(
      r.log.match(/kie.ai is rate-limiting this key: every API call waits 1.0 s/g)
    ).toHaveLength(2)
    const waited = clock.sleeps.reduce((a, b) => a + b, 0)
    expect(waited).toBeGreaterThanOrEqual(1990)
    expect(waited).toBeLessThanOrEqual(2010)
    expect(calls()).toEqual([`common ${U}`, `common ${U}`, `common ${U}`, `GET ${U} 200`])
  })

  it('exchanges a refused signed URL for a fresh one at once, even with retries: 0', async () => {
    await kie(U)
    // The first signed URL is past its X-Amz-Expires: the file host answers 403 ExpiredRequest.
    sb.inject({ target: 'api', url: U, fault: { kind: 'expired' } })
    const clock = instantClock()
    const r = await run({ urls: U, retries: '0' }, { clock })
    expect(r.files[0].status).toBe('downloaded')
    // A refresh is not a retry: no backoff was slept for it.
    expect(clock.sleeps).toHaveLength(0)
    expect(calls()).toEqual([`common ${U}`, `GET ${U} 403`, `common ${U}`, `GET ${U} 200`])
  })

  it('a second refusal of a fresh signed URL is a failure once retries are spent', async () => {
    await kie(U)
    sb.inject({
      target: 'file',
      url: U,
      fault: {
        kind: 'status',
        status: 403,
        body: '<Error><Code>AccessDenied</Code></Error>',
        contentType: 'application/xml'
      },
      times: Infinity
    })
    const r = await run({ urls: U, retries: '0' })
    expect(r.files[0]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/refused the signed URL.*AccessDenied/)
    })
    expect(calls()).toEqual([`common ${U}`, `GET ${U} 403`, `common ${U}`, `GET ${U} 403`])
  })

  it('asks for a fresh signed URL when the old one is older than 18 minutes', async () => {
    let now = 1_000_000
    const clock = {
      ...instantClock(),
      now: () => now,
      sleep: async () => void (now += 19 * 60 * 1000)
    }
    await kie(U)
    sb.inject({ target: 'file', url: U, fault: { kind: 'status', status: 503, body: 'busy' } })
    const r = await run({ urls: U }, { clock })
    expect(r.files[0].status).toBe('downloaded')
    // The retry after the backoff (19 minutes by the run's clock) goes with a fresh URL.
    expect(calls()).toEqual([`common ${U}`, `GET ${U} 503`, `common ${U}`, `GET ${U} 200`])
  })

  it('after the last retry the entry fails with the last error and leaves nothing on disk', async () => {
    await kie(U)
    sb.inject({
      target: 'file',
      url: U,
      fault: { kind: 'status', status: 500, body: 'down' },
      times: Infinity
    })
    const r = await run({ urls: U, retries: '2' })
    expect(r.files[0]).toMatchObject({
      status: 'failed',
      path: null,
      error: 'file host answered HTTP 500'
    })
    // A run that placed nothing leaves nothing: not even the folder it created, nor a record.
    expect(existsSync(path.join(r.workspace.dir, 'kie-downloads'))).toBe(false)
    expect(calls()).toEqual([`common ${U}`, `GET ${U} 500`, `GET ${U} 500`, `GET ${U} 500`])
  })

  it('API retries are per request: retries exhausted on the API are final for the entry', async () => {
    await kie(U)
    sb.inject({
      target: 'api',
      url: U,
      fault: { kind: 'code', code: 455, msg: 'maintenance' },
      times: Infinity
    })
    const r = await run({ urls: U, retries: '2' })
    expect(r.files[0].error).toMatch(/455.*maintenance/)
    expect(calls()).toEqual([`common ${U}`, `common ${U}`, `common ${U}`])
  })
})

describe('re-runs', () => {
  const A = 'https://h1.example/v/x.png'
  const B = 'https://h2.example/v/x.png'

  it('skip never reports one URL under another URL’s recorded file', async () => {
    const ws = makeWorkspace()
    const b = await kie(B)
    sb.inject({ target: 'api', url: A, fault: { kind: 'code', code: 422, msg: 'not yet' } })
    const first = await run(
      { urls: `${A}\n${B}`, 'if-exists': 'skip', 'fail-on-error': 'false' },
      { workspace: ws }
    )
    expect(first.files.map(f => [f.status, f.name])).toEqual([
      ['failed', 'x.png'],
      ['downloaded', 'x-2.png']
    ])
    const a = await kie(A)
    const again = await run({ urls: `${A}\n${B}`, 'if-exists': 'skip' }, { workspace: ws })
    expect(again.files.map(f => [f.status, f.name, f.sha256])).toEqual([
      ['downloaded', 'x.png', a.sha256],
      ['skipped', 'x-2.png', b.sha256]
    ])
  })

  it('names after an entry whose extension waits for Content-Type are not guessed early', async () => {
    const ws = makeWorkspace()
    const E1 = 'https://mfile.example/x'
    const E2 = 'https://h2.example/v/x.png'
    const one = await kie(E1, 64, { contentType: 'image/png' })
    await run({ urls: E1 }, { workspace: ws })
    await kie(E2)
    const r = await run(
      { urls: `${E1}\n${E2}`, 'if-exists': 'fail', 'fail-on-error': 'false' },
      { workspace: ws }
    )
    expect(r.files.map(f => [f.status, f.name])).toEqual([
      ['failed', 'x.png'],
      ['downloaded', 'x-2.png']
    ])
    expect(shaOf(path.join(ws.dir, 'kie-downloads', 'x.png'))).toBe(one.sha256)
  })

  it('skip refuses a recorded file that changed since, instead of vouching for it', async () => {
    const ws = makeWorkspace()
    await kie(A, 8)
    await run({ urls: A, 'if-exists': 'skip' }, { workspace: ws })
    writeFileSync(path.join(ws.dir, 'kie-downloads', 'x.png'), 'cut')
    const r = await run({ urls: A, 'if-exists': 'skip' }, { workspace: ws })
    expect(r.files[0].status).toBe('failed')
    expect(r.files[0].error).toMatch(
      /changed since an earlier run downloaded it \(3 bytes, not 8\)/
    )
    expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'x.png'), 'utf8')).toBe('cut')
  })

  it('skip downloads a recorded file again when it is gone, under its recorded name', async () => {
    const ws = makeWorkspace()
    await kie(B)
    await run({ urls: B, 'if-exists': 'skip', filename: 'keep-{name}' }, { workspace: ws })
    rmSync(path.join(ws.dir, 'kie-downloads', 'keep-x.png'))
    const r = await run(
      { urls: B, 'if-exists': 'skip', filename: 'keep-{name}' },
      { workspace: ws }
    )
    expect(r.files[0]).toMatchObject({ status: 'downloaded', name: 'keep-x.png' })
  })

  it('the record ignores paths that leave the destination and never stores a query string', async () => {
    const ws = makeWorkspace()
    const withQuery = 'https://h1.example/v/q.png?token=s3cr3t'
    await kie(withQuery)
    await run({ urls: withQuery, 'if-exists': 'skip' }, { workspace: ws })
    const recordPath = path.join(ws.dir, 'kie-downloads', '.kie-download.json')
    const record = readFileSync(recordPath, 'utf8')
    expect(record).not.toContain('s3cr3t')
    // A tampered record (e.g. from a restored cache) pointing outside is not trusted.
    writeFileSync(path.join(ws.dir, 'outside.png'), 'not yours')
    writeFileSync(recordPath, record.replace('"q.png"', '"../outside.png"'))
    const r = await run({ urls: withQuery, 'if-exists': 'skip' }, { workspace: ws })
    expect(r.files[0]).toMatchObject({ status: 'skipped', name: 'q.png' })
  })

  it('temp files a cancelled run left behind are removed at the next start; fresh ones are not', async () => {
    const ws = makeWorkspace()
    const dir = path.join(ws.dir, 'kie-downloads')
    mkdirSync(dir)
    writeFileSync(path.join(dir, '.kie-download-old.part'), 'x')
    writeFileSync(path.join(dir, '.kie-download-new.part'), 'x')
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000)
    utimesSync(path.join(dir, '.kie-download-old.part'), old, old)
    await kie(A)
    await run({ urls: A }, { workspace: ws })
    expect(readdirSync(dir).sort()).toEqual([
      '.kie-download-new.part',
      '.kie-download.json',
      'x.png'
    ])
  })

  it('a path that cannot be used fails the step naming the input', async () => {
    const ws = makeWorkspace()
    writeFileSync(path.join(ws.dir, 'afile'), '')
    const r = await run({ urls: A, path: 'afile/sub' }, { workspace: ws })
    expect(r.failed).toBe(true)
    expect(r.log).toMatch(
      /::error::Input 'path' gives a folder that cannot be created or used \(ENOTDIR/
    )
  })
})

describe('skip and time stamps', () => {
  const U = 'https://h1.example/v/t.png'

  it('trusts the recorded hash while the time stamp is the same to the second, and hashes again otherwise', async () => {
    const ws = makeWorkspace()
    const original = await kie(U, 8)
    await run({ urls: U, 'if-exists': 'skip' }, { workspace: ws })
    const file = path.join(ws.dir, 'kie-downloads', 't.png')
    const recorded = statSync(file).mtimeMs
    // Same size, other bytes: only a re-hash can tell.
    writeFileSync(file, 'modified')
    const sameSecond = new Date(Math.trunc(recorded / 1000) * 1000)
    utimesSync(file, sameSecond, sameSecond)
    const cached = await run({ urls: U, 'if-exists': 'skip' }, { workspace: ws })
    expect(cached.files[0].sha256).toBe(original.sha256)
    const later = new Date(recorded + 10_000)
    utimesSync(file, later, later)
    const touched = await run({ urls: U, 'if-exists': 'skip' }, { workspace: ws })
    expect(touched.files[0]).toMatchObject({
      status: 'skipped',
      sha256: sha('modified')
    })
  })
})
