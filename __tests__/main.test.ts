import { afterEach, describe, expect, it } from '@jest/globals'
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
import nock from 'nock'
import { makeWorkspace } from '../scripts/runner.ts'
import { instantClock, runAction } from './helpers/run-action.js'

const API = 'https://api.kie.ai'
const FILES = 'https://bucket.r2.example.com'
const KEY = 'sk-test-key-123'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const signed = (name: string, sig = 'abc123'): string =>
  `${FILES}/v/${name}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=1200&X-Amz-Credential=cred%2F1&X-Amz-Signature=${sig}`

/** kie.ai resolves `url` (with `taskId` on the 4o endpoint) to a signed URL for `object`. */
function api(url: string, object: string, taskId?: string): nock.Scope {
  const endpoint = taskId ? '/api/v1/gpt4o-image/download-url' : '/api/v1/common/download-url'
  return nock(API)
    .matchHeader('authorization', `Bearer ${KEY}`)
    .post(endpoint, taskId ? { taskId, url } : { url })
    .reply(200, { code: 200, msg: 'success', data: signed(object) })
}

/** The file host serves `body`, and must never see the API key. */
function host(object: string, body: Buffer, type = 'image/png'): nock.Scope {
  return nock(FILES, { badheaders: ['authorization'] })
    .get(`/v/${object}`)
    .query(true)
    .reply(200, body, { 'content-type': type, 'content-length': String(body.length) })
}

afterEach(() => {
  nock.cleanAll()
})

describe('run', () => {
  it('downloads from the common endpoint and sets every output', async () => {
    const png = Buffer.from('png-bytes')
    api('https://tempfile.aiquickdraw.com/v/cat.png', 'cat.png')
    host('cat.png', png)
    const r = await runAction({
      'api-key': KEY,
      urls: 'https://tempfile.aiquickdraw.com/v/cat.png'
    })
    expect(r.failed).toBe(false)
    const dir = path.join(r.workspace.dir, 'kie-downloads')
    expect(r.outputs.dir).toBe(dir)
    expect(r.outputs.paths).toBe(path.join(dir, 'cat.png'))
    expect(r.outputs.count).toBe('1')
    expect(r.outputs.failed).toBe('0')
    expect(r.files).toEqual([
      {
        url: 'https://tempfile.aiquickdraw.com/v/cat.png',
        taskId: null,
        path: path.join(dir, 'cat.png'),
        name: 'cat.png',
        bytes: png.length,
        sha256: sha(png),
        contentType: 'image/png',
        status: 'downloaded',
        error: null
      }
    ])
    expect(readFileSync(path.join(dir, 'cat.png'))).toEqual(png)
    expect(readdirSync(dir).sort()).toEqual(['.kie-download.json', 'cat.png'])
    expect(r.summary).toContain('cat.png')
    expect(r.files[0].sha256).toBe(sha(png))
    expect(nock.isDone()).toBe(true)
  })

  it('uses the gpt4o-image endpoint for entries with a task ID, from JSON items and task-ids', async () => {
    api('https://tempfile.aiquickdraw.com/v/a.png', 'a.png', 'task-a')
    api('https://tempfile.aiquickdraw.com/v/b.png', 'b.png', 'task-all')
    host('a.png', Buffer.from('A'))
    host('b.png', Buffer.from('B'))
    const urls = JSON.stringify([
      { url: 'https://tempfile.aiquickdraw.com/v/a.png', taskId: 'task-a' },
      'https://tempfile.aiquickdraw.com/v/b.png'
    ])
    const r = await runAction({ 'api-key': KEY, urls, 'task-ids': 'task-all' })
    expect(r.failed).toBe(false)
    expect(r.files.map(f => [f.name, f.taskId, f.status])).toEqual([
      ['a.png', 'task-a', 'downloaded'],
      ['b.png', 'task-all', 'downloaded']
    ])
    expect(nock.isDone()).toBe(true)
  })

  it('reads more URLs from urls-file after those of urls', async () => {
    const ws = makeWorkspace()
    writeFileSync(path.join(ws.dir, 'list.txt'), 'https://tempfile.aiquickdraw.com/v/2.png\n\n')
    api('https://tempfile.aiquickdraw.com/v/1.png', '1.png')
    api('https://tempfile.aiquickdraw.com/v/2.png', '2.png')
    host('1.png', Buffer.from('1'))
    host('2.png', Buffer.from('2'))
    const r = await runAction(
      { 'api-key': KEY, urls: 'https://tempfile.aiquickdraw.com/v/1.png', 'urls-file': 'list.txt' },
      { workspace: ws }
    )
    expect(r.files.map(f => f.name)).toEqual(['1.png', '2.png'])
  })

  it('takes the extension from Content-Type when the URL has none', async () => {
    api('https://musicfile.kie.ai/s/c29uZw', 'c29uZw')
    host('c29uZw', Buffer.from('ID3'), 'audio/mpeg')
    const r = await runAction({ 'api-key': KEY, urls: 'https://musicfile.kie.ai/s/c29uZw' })
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
    urls.forEach((u, i) => {
      api(u, `o${i}.png`)
      // The first file is the slowest: names must not follow finishing order.
      nock(FILES)
        .get(`/v/o${i}.png`)
        .query(true)
        .delay(i === 0 ? 100 : 0)
        .reply(200, `file${i}`, { 'content-type': 'image/png' })
    })
    const r = await runAction({ 'api-key': KEY, urls: urls.join(',') })
    expect(r.files.map(f => f.name)).toEqual(['img.png', 'IMG-2.png', 'img-3.png'])
    expect(readFileSync(r.files[0].path as string, 'utf8')).toBe('file0')
  })

  it('resolves and downloads a URL listed twice only once; both entries report the same path', async () => {
    api('https://tempfile.aiquickdraw.com/v/dup.png', 'dup.png')
    host('dup.png', Buffer.from('D'))
    const u = 'https://tempfile.aiquickdraw.com/v/dup.png'
    const r = await runAction({ 'api-key': KEY, urls: `${u}\n${u}` })
    expect(r.files).toHaveLength(2)
    expect(r.files[0].path).toBe(r.files[1].path)
    expect(r.outputs.count).toBe('1')
    expect(r.outputs.paths.split('\n')).toHaveLength(1)
  })

  it('renders the filename template with subfolders', async () => {
    api('https://tempfile.aiquickdraw.com/v/a.png', 'a.png', 'task-1')
    host('a.png', Buffer.from('A'))
    const r = await runAction({
      'api-key': KEY,
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
      api('https://musicfile.kie.ai/s/song', 'song')
      host('song', Buffer.from('mp3data'), 'audio/mpeg')
      const first = await runAction(
        { 'api-key': KEY, urls: 'https://musicfile.kie.ai/s/song', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(first.files[0].status).toBe('downloaded')
      // No interceptor now: any request would fail the run.
      const again = await runAction(
        { 'api-key': KEY, urls: 'https://musicfile.kie.ai/s/song', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(again.failed).toBe(false)
      expect(again.files[0]).toMatchObject({
        status: 'skipped',
        name: 'song.mp3',
        bytes: 7,
        sha256: sha(Buffer.from('mp3data'))
      })
      expect(again.outputs.paths).toBe(first.outputs.paths)
    })

    it('skip: a file already there from elsewhere is hashed and kept', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads'))
      writeFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'kept')
      const r = await runAction(
        { 'api-key': KEY, urls: 'https://tempfile.aiquickdraw.com/v/old.png', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(r.files[0]).toMatchObject({
        status: 'skipped',
        bytes: 4,
        sha256: sha(Buffer.from('kept'))
      })
    })

    it('fail: the entry fails, the file is untouched, and no request is made', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads'))
      writeFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'mine')
      const r = await runAction(
        { 'api-key': KEY, urls: 'https://tempfile.aiquickdraw.com/v/old.png', 'if-exists': 'fail' },
        { workspace: ws }
      )
      expect(r.failed).toBe(true)
      expect(r.files[0]).toMatchObject({ status: 'failed', path: null })
      expect(r.files[0].error).toMatch(/^already there; left untouched \(if-exists: fail/)
      expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'utf8')).toBe('mine')
    })

    it('a folder standing where the record goes is set aside with a warning, and a fresh record is written', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads', '.kie-download.json'), { recursive: true })
      writeFileSync(path.join(ws.dir, 'kie-downloads', '.kie-download.json', 'blocker'), '')
      api('https://tempfile.aiquickdraw.com/v/rec.png', 'rec.png')
      host('rec.png', Buffer.from('R'))
      const r = await runAction(
        { 'api-key': KEY, urls: 'https://tempfile.aiquickdraw.com/v/rec.png' },
        { workspace: ws }
      )
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
      api(song, 'a.mp3')
      host('a.mp3', Buffer.from('first'), 'audio/mpeg')
      api(open, 'b')
      host('b', Buffer.from('second'), 'audio/mpeg')
      const both = { 'api-key': KEY, urls: `${song}\n${open}`, shard: '1/1' }
      const first = await runAction(both, { workspace: ws })
      // `song` stays free for any extension: song.mp3 (listed first) gets its own name.
      expect(first.files.map(f => f.name)).toEqual(['song.mp3', 'song-2.mp3'])
      // Only the URL without an extension is listed now: from the list alone it is song.mp3,
      // which holds the other URL's file. It is fetched (its extension is not known before) and
      // then left out, never skipped as if it were that file, nor written over it.
      api(open, 'b')
      host('b', Buffer.from('second'), 'audio/mpeg')
      const again = await runAction(
        { 'api-key': KEY, urls: open, shard: '1/1', 'if-exists': 'skip' },
        { workspace: ws }
      )
      expect(again.failed).toBe(true)
      expect(again.files[0]).toMatchObject({ name: 'song.mp3', status: 'failed', path: null })
      expect(again.files[0].error).toMatch(/the file of another URL from an earlier run/)
      const dir = path.join(ws.dir, 'kie-downloads')
      expect(readFileSync(path.join(dir, 'song.mp3'), 'utf8')).toBe('first')
      expect(readdirSync(dir).filter(f => f.startsWith('.kie-download-'))).toEqual([])
    })

    it('overwrite: replaces the file', async () => {
      const ws = makeWorkspace()
      mkdirSync(path.join(ws.dir, 'kie-downloads'))
      writeFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'mine')
      api('https://tempfile.aiquickdraw.com/v/old.png', 'old.png')
      host('old.png', Buffer.from('new'))
      const r = await runAction(
        { 'api-key': KEY, urls: 'https://tempfile.aiquickdraw.com/v/old.png' },
        { workspace: ws }
      )
      expect(r.files[0].status).toBe('downloaded')
      expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'old.png'), 'utf8')).toBe('new')
    })
  })

  describe('failures', () => {
    it('fail-on-error true: outputs and summary are written, then the step fails once', async () => {
      nock(API)
        .post('/api/v1/common/download-url')
        .reply(200, { code: 422, msg: 'record is null', data: null })
      api('https://tempfile.aiquickdraw.com/v/ok.png', 'ok.png')
      host('ok.png', Buffer.from('ok'))
      const r = await runAction({
        'api-key': KEY,
        urls: 'https://tempfile.aiquickdraw.com/v/gone.png\nhttps://tempfile.aiquickdraw.com/v/ok.png',
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
      nock(API).post('/api/v1/common/download-url').reply(200, { code: 422, msg: 'record is null' })
      const r = await runAction({
        'api-key': KEY,
        urls: 'https://tempfile.aiquickdraw.com/v/gone.png',
        'fail-on-error': 'false'
      })
      expect(r.failed).toBe(false)
      expect(r.outputs.failed).toBe('1')
      expect(r.log).toMatch(/^::warning::1 of 1 file failed:%0A#1 gone.png: .*422/m)
    })

    it('401 stops new entries and says so once', async () => {
      nock(API).post('/api/v1/common/download-url').reply(401, { code: 401, msg: 'bad key' })
      const urls = ['a', 'b', 'c']
        .map(n => `https://tempfile.aiquickdraw.com/v/${n}.png`)
        .join('\n')
      const r = await runAction({ 'api-key': KEY, urls, concurrency: '1' })
      expect(r.files.map(f => f.status)).toEqual(['failed', 'failed', 'failed'])
      expect(r.files[0].error).toMatch(/answered 401: unauthorized/)
      expect(r.files[1].error).toBe('not started')
      expect(r.log.match(/Stopped/g)).toHaveLength(1)
      expect(nock.isDone()).toBe(true)
    })

    it('an input error fails before any request, naming the input, with every output set', async () => {
      const r = await runAction({ 'api-key': KEY, urls: 'ftp://x.example/a.png' })
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
      // Nothing was created for it.
      expect(existsSync(path.join(r.workspace.dir, 'kie-downloads'))).toBe(false)
    })

    it('an invalid path still sets every output, with dir empty', async () => {
      const r = await runAction({ 'api-key': KEY, urls: 'https://x.example/a.png', path: '' })
      expect(r.failed).toBe(true)
      expect(r.outputs).toMatchObject({ count: '0', downloaded: '0', failed: '0', dir: '' })
    })
  })
})

describe('reliability', () => {
  const U = 'https://tempfile.aiquickdraw.com/v/r.png'

  it('waits out kie.ai 429s as Retry-After asks, without using up retries', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .times(2)
      .reply(429, { code: 429, msg: 'Rate limit exceeded' }, { 'retry-after': '1' })
    api(U, 'r.png')
    host('r.png', Buffer.from('R'))
    const clock = instantClock()
    const r = await runAction({ 'api-key': KEY, urls: U, retries: '0' }, { deps: { clock } })
    expect(r.files[0].status).toBe('downloaded')
    // Two pauses of one second each (a wake-up may be computed a millisecond after the pause began).
    expect(
      r.log.match(/kie.ai is rate-limiting this key: every API call waits 1.0 s/g)
    ).toHaveLength(2)
    const waited = clock.sleeps.reduce((a, b) => a + b, 0)
    expect(waited).toBeGreaterThanOrEqual(1990)
    expect(waited).toBeLessThanOrEqual(2010)
  })

  it('exchanges a refused signed URL for a fresh one at once, even with retries: 0', async () => {
    api(U, 'r.png')
    nock(FILES).get('/v/r.png').query(true).reply(403, '<Error><Code>ExpiredRequest</Code></Error>')
    api(U, 'r.png')
    host('r.png', Buffer.from('R'))
    const clock = instantClock()
    const r = await runAction({ 'api-key': KEY, urls: U, retries: '0' }, { deps: { clock } })
    expect(r.files[0].status).toBe('downloaded')
    // A refresh is not a retry: no backoff was slept for it.
    expect(clock.sleeps).toHaveLength(0)
    expect(nock.isDone()).toBe(true)
  })

  it('a second refusal of a fresh signed URL is a failure once retries are spent', async () => {
    api(U, 'r.png')
    nock(FILES)
      .get('/v/r.png')
      .query(true)
      .times(2)
      .reply(403, '<Error><Code>AccessDenied</Code></Error>')
    api(U, 'r.png')
    const r = await runAction({ 'api-key': KEY, urls: U, retries: '0' })
    expect(r.files[0]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/refused the signed URL.*AccessDenied/)
    })
    expect(nock.isDone()).toBe(true)
  })

  it('asks for a fresh signed URL when the old one is older than 18 minutes', async () => {
    let now = 1_000_000
    const clock = {
      ...instantClock(),
      now: () => now,
      sleep: async () => void (now += 19 * 60 * 1000)
    }
    api(U, 'r.png')
    nock(FILES).get('/v/r.png').query(true).reply(503, 'busy')
    api(U, 'r.png')
    host('r.png', Buffer.from('R'))
    const r = await runAction({ 'api-key': KEY, urls: U }, { deps: { clock } })
    expect(r.files[0].status).toBe('downloaded')
    expect(nock.isDone()).toBe(true)
  })

  it('after the last retry the entry fails with the last error and leaves nothing on disk', async () => {
    api(U, 'r.png')
    nock(FILES).get('/v/r.png').query(true).times(3).reply(500, 'down')
    const r = await runAction({ 'api-key': KEY, urls: U, retries: '2' })
    expect(r.files[0]).toMatchObject({
      status: 'failed',
      path: null,
      error: 'file host answered HTTP 500'
    })
    // A run that placed nothing leaves nothing: not even the folder it created, nor a record.
    expect(existsSync(path.join(r.workspace.dir, 'kie-downloads'))).toBe(false)
    expect(nock.isDone()).toBe(true)
  })

  it('API retries are per request: retries exhausted on the API are final for the entry', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .times(3)
      .reply(200, { code: 455, msg: 'maintenance' })
    const r = await runAction({ 'api-key': KEY, urls: U, retries: '2' })
    expect(r.files[0].error).toMatch(/455.*maintenance/)
    expect(nock.isDone()).toBe(true)
  })
})

describe('re-runs', () => {
  const A = 'https://h1.example/v/x.png'
  const B = 'https://h2.example/v/x.png'
  const kie = (url: string, body: string, type = 'image/png'): void => {
    const object = `${url.length}-${Buffer.from(url).toString('hex').slice(-12)}`
    api(url, object)
    host(object, Buffer.from(body), type)
  }

  it('skip never reports one URL under another URL’s recorded file', async () => {
    const ws = makeWorkspace()
    nock(API)
      .post('/api/v1/common/download-url', { url: A })
      .reply(200, { code: 422, msg: 'not yet' })
    kie(B, 'bbb')
    const first = await runAction(
      { 'api-key': KEY, urls: `${A}\n${B}`, 'if-exists': 'skip', 'fail-on-error': 'false' },
      { workspace: ws }
    )
    expect(first.files.map(f => [f.status, f.name])).toEqual([
      ['failed', 'x.png'],
      ['downloaded', 'x-2.png']
    ])
    kie(A, 'aaa')
    const again = await runAction(
      { 'api-key': KEY, urls: `${A}\n${B}`, 'if-exists': 'skip' },
      { workspace: ws }
    )
    expect(again.files.map(f => [f.status, f.name, f.sha256])).toEqual([
      ['downloaded', 'x.png', sha(Buffer.from('aaa'))],
      ['skipped', 'x-2.png', sha(Buffer.from('bbb'))]
    ])
  })

  it('names after an entry whose extension waits for Content-Type are not guessed early', async () => {
    const ws = makeWorkspace()
    const E1 = 'https://mfile.example/x'
    const E2 = 'https://h2.example/v/x.png'
    kie(E1, 'one')
    await runAction({ 'api-key': KEY, urls: E1 }, { workspace: ws })
    kie(E1, 'one')
    kie(E2, 'two')
    const r = await runAction(
      { 'api-key': KEY, urls: `${E1}\n${E2}`, 'if-exists': 'fail', 'fail-on-error': 'false' },
      { workspace: ws }
    )
    expect(r.files.map(f => [f.status, f.name])).toEqual([
      ['failed', 'x.png'],
      ['downloaded', 'x-2.png']
    ])
    expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'x.png'), 'utf8')).toBe('one')
  })

  it('skip refuses a recorded file that changed since, instead of vouching for it', async () => {
    const ws = makeWorkspace()
    kie(A, 'complete')
    await runAction({ 'api-key': KEY, urls: A, 'if-exists': 'skip' }, { workspace: ws })
    writeFileSync(path.join(ws.dir, 'kie-downloads', 'x.png'), 'cut')
    const r = await runAction({ 'api-key': KEY, urls: A, 'if-exists': 'skip' }, { workspace: ws })
    expect(r.files[0].status).toBe('failed')
    expect(r.files[0].error).toMatch(
      /changed since an earlier run downloaded it \(3 bytes, not 8\)/
    )
    expect(readFileSync(path.join(ws.dir, 'kie-downloads', 'x.png'), 'utf8')).toBe('cut')
  })

  it('skip downloads a recorded file again when it is gone, under its recorded name', async () => {
    const ws = makeWorkspace()
    kie(B, 'bbb')
    await runAction(
      { 'api-key': KEY, urls: B, 'if-exists': 'skip', filename: 'keep-{name}' },
      { workspace: ws }
    )
    rmSync(path.join(ws.dir, 'kie-downloads', 'keep-x.png'))
    kie(B, 'bbb')
    const r = await runAction(
      { 'api-key': KEY, urls: B, 'if-exists': 'skip', filename: 'keep-{name}' },
      { workspace: ws }
    )
    expect(r.files[0]).toMatchObject({ status: 'downloaded', name: 'keep-x.png' })
  })

  it('the record ignores paths that leave the destination and never stores a query string', async () => {
    const ws = makeWorkspace()
    const withQuery = 'https://h1.example/v/q.png?token=s3cr3t'
    kie(withQuery, 'q')
    await runAction({ 'api-key': KEY, urls: withQuery, 'if-exists': 'skip' }, { workspace: ws })
    const recordPath = path.join(ws.dir, 'kie-downloads', '.kie-download.json')
    const record = readFileSync(recordPath, 'utf8')
    expect(record).not.toContain('s3cr3t')
    // A tampered record (e.g. from a restored cache) pointing outside is not trusted.
    writeFileSync(path.join(ws.dir, 'outside.png'), 'not yours')
    writeFileSync(recordPath, record.replace('"q.png"', '"../outside.png"'))
    kie(withQuery, 'q')
    const r = await runAction(
      { 'api-key': KEY, urls: withQuery, 'if-exists': 'skip' },
      { workspace: ws }
    )
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
    kie(A, 'a')
    await runAction({ 'api-key': KEY, urls: A }, { workspace: ws })
    expect(readdirSync(dir).sort()).toEqual([
      '.kie-download-new.part',
      '.kie-download.json',
      'x.png'
    ])
  })

  it('a path that cannot be used fails the step naming the input', async () => {
    const ws = makeWorkspace()
    writeFileSync(path.join(ws.dir, 'afile'), '')
    const r = await runAction({ 'api-key': KEY, urls: A, path: 'afile/sub' }, { workspace: ws })
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
    api(U, 't.png')
    host('t.png', Buffer.from('original'))
    await runAction({ 'api-key': KEY, urls: U, 'if-exists': 'skip' }, { workspace: ws })
    const file = path.join(ws.dir, 'kie-downloads', 't.png')
    const recorded = statSync(file).mtimeMs
    // Same size, other bytes: only a re-hash can tell.
    writeFileSync(file, 'modified')
    const sameSecond = new Date(Math.trunc(recorded / 1000) * 1000)
    utimesSync(file, sameSecond, sameSecond)
    const cached = await runAction(
      { 'api-key': KEY, urls: U, 'if-exists': 'skip' },
      { workspace: ws }
    )
    expect(cached.files[0].sha256).toBe(sha(Buffer.from('original')))
    const later = new Date(recorded + 10_000)
    utimesSync(file, later, later)
    const touched = await runAction(
      { 'api-key': KEY, urls: U, 'if-exists': 'skip' },
      { workspace: ws }
    )
    expect(touched.files[0]).toMatchObject({
      status: 'skipped',
      sha256: sha(Buffer.from('modified'))
    })
  })
})
