// The record of earlier runs: round trips, damaged and hostile records set aside, tasks, and merging saves.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DownloadRecord, MAX_RECORD_BYTES, recordKey } from '../src/place/record.js'

const RECORD = '.kie-download.json'
const SHA = 'a'.repeat(64)
const url = 'https://h.example/v/a.png?token=secret'
const other = 'https://h.example/v/b.png?token=secret2'

let dir: string
let warnings: string[]
const warn = (message: string): void => void warnings.push(message)

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kie-record-'))
  warnings = []
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A file on disk and the facts a run would record for it. */
function placed(
  relPath: string,
  text = 'abc'
): { path: string; bytes: number; sha256: string; contentType: string; mtimeMs: number } {
  const full = path.join(dir, ...relPath.split('/'))
  mkdirSync(path.dirname(full), { recursive: true })
  writeFileSync(full, text)
  return {
    path: relPath,
    bytes: text.length,
    sha256: SHA,
    contentType: 'image/png',
    mtimeMs: lstatSync(full).mtimeMs
  }
}

function writeRecord(value: unknown): void {
  writeFileSync(path.join(dir, RECORD), typeof value === 'string' ? value : JSON.stringify(value))
}

function entryOnDisk(
  relPath: string,
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  return { url: 'https://h.example/x', ...placed(relPath), ...extra }
}

function asides(): string[] {
  return readdirSync(dir).filter(n => n.startsWith(`${RECORD}.bad-`))
}

/**
 * Makes `folder` refuse renames until the returned thaw runs; undefined where this machine cannot:
 * a mode does it for a user, root needs the immutable flag (chattr).
 */
function freeze(folder: string): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(folder, 0o555)
    return () => chmodSync(folder, 0o755)
  }
  try {
    execFileSync('chattr', ['+i', folder], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  return () => execFileSync('chattr', ['-i', folder])
}

describe('DownloadRecord', () => {
  it('round-trips files and tasks, keyed by a hash of the URL, with no query string on disk', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    record.setFile(url, placed('sub/a.png'))
    record.setFile(other, placed('b.png'))
    record.setTask('task-1', 'market', [url, other])
    expect(await record.save()).toBe(true)
    const text = readFileSync(path.join(dir, RECORD), 'utf8')
    expect(text).not.toContain('secret')
    const again = await DownloadRecord.load(dir, '{name}', warn)
    expect(again.file(url)).toMatchObject({
      path: 'sub/a.png',
      url: 'https://h.example/v/a.png?…',
      unchanged: true
    })
    expect(again.task('task-1')).toEqual({
      type: 'market',
      files: [again.file(url), again.file(other)],
      main: 2
    })
    expect(again.task('task-2')).toBeUndefined()
    expect(warnings).toEqual([])
  })

  it('writes nothing when the run placed and kept nothing, and leaves no temp file', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    expect(await record.save()).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('writes nothing on a re-run that only found what the record knew', async () => {
    const first = await DownloadRecord.load(dir, '{name}', warn)
    first.setFile(url, placed('a.png'))
    await first.save()
    const before = lstatSync(path.join(dir, RECORD)).mtimeMs
    const again = await DownloadRecord.load(dir, '{name}', warn)
    expect(again.file(url)?.unchanged).toBe(true)
    expect(await again.save()).toBe(false)
    expect(lstatSync(path.join(dir, RECORD)).mtimeMs).toBe(before)
  })

  it('is ignored, not set aside, when made with another name template or version', async () => {
    writeRecord({
      version: 2,
      filename: '{index}-{name}',
      files: { [recordKey(url)]: entryOnDisk('a.png') }
    })
    expect((await DownloadRecord.load(dir, '{name}', warn)).file(url)).toBeUndefined()
    writeRecord({ version: 3, filename: '{name}', files: {} })
    expect((await DownloadRecord.load(dir, '{name}', warn)).allFiles()).toEqual([])
    expect(asides()).toEqual([])
    expect(warnings).toEqual([])
  })

  it('drops entries whose file is gone, and the tasks that needed them', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    record.setFile(url, placed('a.png'))
    record.setFile(other, placed('b.png'))
    record.setTask('t', 'suno', [url, other])
    await record.save()
    rmSync(path.join(dir, 'b.png'))
    const again = await DownloadRecord.load(dir, '{name}', warn)
    expect(again.file(url)).toBeDefined()
    expect(again.file(other)).toBeUndefined()
    expect(again.task('t')).toBeUndefined()
  })

  it('says whether a recorded file is unchanged (same size, same second) so its hash stands', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    record.setFile(url, placed('a.png'))
    record.setFile(other, placed('b.png'))
    await record.save()
    writeFileSync(path.join(dir, 'a.png'), 'longer')
    const old = new Date(Date.now() - 10_000)
    utimesSync(path.join(dir, 'b.png'), old, old)
    const again = await DownloadRecord.load(dir, '{name}', warn)
    expect(again.file(url)).toMatchObject({ bytes: 3, unchanged: false })
    expect(again.file(other)).toMatchObject({ unchanged: false })
  })

  it.each([
    '../outside.png',
    '/etc/passwd',
    'a/../../b.png',
    '.hidden',
    'a//b.png',
    'a b.png',
    7,
    null
  ])('drops an entry whose path %j is not a name this action could have made', async bad => {
    writeRecord({
      version: 2,
      filename: '{name}',
      files: { [recordKey(url)]: { ...entryOnDisk('a.png'), path: bad } }
    })
    expect((await DownloadRecord.load(dir, '{name}', warn)).allFiles()).toEqual([])
    expect(warnings).toEqual([`${RECORD} in ${dir}: ignored 1 damaged entry.`])
  })

  it('survives `files: null`: sets the record aside with a warning and starts afresh', async () => {
    writeRecord({ version: 2, filename: '{name}', files: null })
    const record = await DownloadRecord.load(dir, '{name}', warn)
    expect(record.allFiles()).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^\.kie-download\.json in .* has no valid `files` table: set it aside as \.kie-download\.json\.bad-/
    )
    expect(asides()).toHaveLength(1)
    expect(existsSync(path.join(dir, RECORD))).toBe(false)
    record.setFile(url, placed('a.png'))
    await record.save()
    expect((await DownloadRecord.load(dir, '{name}', warn)).file(url)).toBeDefined()
  })

  it.each([
    ['an array for files', { version: 2, filename: '{name}', files: [] }],
    ['a string for the record', 'just text'],
    ['an array for the record', []],
    ['null for the record', null],
    ['no version', { filename: '{name}', files: {} }],
    ['invalid JSON', { raw: '{"version": 2, "files": {' }],
    // Ten times deeper than any call stack: a reader that recursed through it would overflow.
    ['arrays nested 100,000 deep', { raw: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }]
  ])('sets aside a record with %s, never crashing', async (_, value) => {
    const raw = (value as { raw?: string } | null)?.raw
    writeRecord(raw ?? JSON.stringify(value))
    const record = await DownloadRecord.load(dir, '{name}', warn)
    expect(record.allFiles()).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(asides()).toHaveLength(1)
  })

  it('keeps an entry whose contentType is not a string (as null) and whose mtime is not a number (as 0)', async () => {
    writeRecord({
      version: 2,
      filename: '{name}',
      files: {
        [recordKey(url)]: entryOnDisk('a.png', {
          contentType: { evil: true },
          mtimeMs: 'x',
          url: 5
        })
      }
    })
    const record = await DownloadRecord.load(dir, '{name}', warn)
    expect(record.file(url)).toMatchObject({
      contentType: null,
      mtimeMs: 0,
      url: '',
      unchanged: false
    })
    expect(warnings).toEqual([])
  })

  it('drops entries with arrays, huge numbers, bad hashes and prototype keys, keeping the good ones', async () => {
    const text = JSON.stringify({
      version: 2,
      filename: '{name}',
      files: {
        [recordKey(url)]: entryOnDisk('good.png'),
        [recordKey('u1')]: [entryOnDisk('arr.png')],
        [recordKey('u2')]: { ...entryOnDisk('huge.png'), bytes: 'HUGE' },
        [recordKey('u3')]: { ...entryOnDisk('neg.png'), bytes: -1 },
        [recordKey('u4')]: { ...entryOnDisk('hash.png'), sha256: 'ab' },
        [recordKey('u5')]: null,
        'not-a-key': entryOnDisk('key.png'),
        constructor: entryOnDisk('ctor.png')
      },
      tasks: {
        t1: { type: 'market', files: [recordKey(url)] },
        t2: { type: 'market', files: 'nope' },
        t3: [],
        t4: { type: 5, files: [recordKey(url)] }
      }
    })
      .replace('"HUGE"', '1e400')
      .replace('"constructor"', '"__proto__"')
    writeRecord(text)
    const record = await DownloadRecord.load(dir, '{name}', warn)
    expect(record.allFiles().map(f => f.path)).toEqual(['good.png'])
    expect(record.task('t1')?.files.map(f => f.path)).toEqual(['good.png'])
    expect(record.task('__proto__')).toBeUndefined()
    expect(record.task('constructor')).toBeUndefined()
    expect(warnings).toEqual([`${RECORD} in ${dir}: ignored 10 damaged entries.`])
    expect(Object.prototype).not.toHaveProperty('path')
  })

  // The reader's own verdicts ("too big", "swapped") are never mistaken for a record's text.
  it.each(['large', 'swapped'])(
    'sets aside a record whose whole text is %j as invalid JSON, which it is',
    async text => {
      writeRecord(text)
      expect((await DownloadRecord.load(dir, '{name}', warn)).allFiles()).toEqual([])
      expect(warnings).toEqual([
        expect.stringMatching(
          /^\.kie-download\.json in .* is not valid JSON: set it aside as \.kie-download\.json\.bad-/
        )
      ])
      expect(readFileSync(path.join(dir, asides()[0]), 'utf8')).toBe(text)
    }
  )

  it('sets aside a record over 4 MiB without parsing it', async () => {
    writeRecord(
      `{"version": 2, "filename": "{name}", "files": {}, "pad": "${'x'.repeat(MAX_RECORD_BYTES)}"}`
    )
    expect((await DownloadRecord.load(dir, '{name}', warn)).allFiles()).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('is larger than 4 MiB: set it aside')
    expect(asides()).toHaveLength(1)
  })

  it('sets aside a folder standing in its place', async () => {
    mkdirSync(path.join(dir, RECORD))
    writeFileSync(path.join(dir, RECORD, 'inside'), 'x')
    const record = await DownloadRecord.load(dir, '{name}', warn)
    expect(warnings[0]).toContain(
      'is not a regular file (a folder, a link or a special file): set it aside'
    )
    record.setFile(url, placed('a.png'))
    await record.save()
    expect(lstatSync(path.join(dir, RECORD)).isFile()).toBe(true)
    expect(readdirSync(path.join(dir, asides()[0]))).toEqual(['inside'])
  })

  it('sets aside a symlink standing in its place, without following it', async () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'kie-record-target-'))
    try {
      const target = path.join(elsewhere, 'record.json')
      writeFileSync(
        target,
        JSON.stringify({
          version: 2,
          filename: '{name}',
          files: { [recordKey(url)]: entryOnDisk('a.png') }
        })
      )
      symlinkSync(target, path.join(dir, RECORD))
      expect((await DownloadRecord.load(dir, '{name}', warn)).file(url)).toBeUndefined()
      expect(asides()).toHaveLength(1)
      expect(readFileSync(target, 'utf8')).toContain('a.png')
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  // A FIFO opened for reading blocks until a writer comes: the run would hang for ever. Windows has none.
  ;(process.platform === 'win32' ? describe.skip : describe)('on POSIX', () => {
    it('sets aside a FIFO standing in its place, without opening it', async () => {
      execFileSync('mkfifo', [path.join(dir, RECORD)])
      const record = await DownloadRecord.load(dir, '{name}', warn)
      expect(record.allFiles()).toEqual([])
      expect(warnings[0]).toContain('is not a regular file')
      expect(lstatSync(path.join(dir, asides()[0])).isFIFO()).toBe(true)
    })

    it('says once that a bad record could not be set aside, and not again when it saves', async () => {
      writeRecord('not json')
      const thaw = freeze(dir)
      // Neither a mode nor the immutable flag holds here (root on a file system without it).
      if (!thaw) return
      let record: DownloadRecord
      try {
        record = await DownloadRecord.load(dir, '{name}', warn)
      } finally {
        thaw()
      }
      expect(warnings).toEqual([
        expect.stringMatching(
          /^\.kie-download\.json in .* is not valid JSON, and could not be set aside \((EACCES|EPERM)\): left it where it is and started a fresh one\.$/
        )
      ])
      record.setFile(url, placed('a.png'))
      expect(await record.save()).toBe(true)
      expect(warnings).toHaveLength(1)
      expect(asides()).toHaveLength(1)
      expect((await DownloadRecord.load(dir, '{name}', warn)).file(url)).toBeDefined()
      expect(warnings).toHaveLength(1)
    })
  })

  it("merges two saves into one folder: neither loses the other's entries", async () => {
    const a = await DownloadRecord.load(dir, '{name}', warn)
    const b = await DownloadRecord.load(dir, '{name}', warn)
    a.setFile(url, placed('a.png'))
    a.setTask('ta', 'veo', [url])
    b.setFile(other, placed('b.png'))
    b.setTask('tb', 'luma', [other])
    await a.save()
    await b.save()
    const merged = await DownloadRecord.load(dir, '{name}', warn)
    expect(merged.file(url)?.path).toBe('a.png')
    expect(merged.file(other)?.path).toBe('b.png')
    expect(merged.task('ta')?.type).toBe('veo')
    expect(merged.task('tb')?.type).toBe('luma')
  })

  it("on a merge, the saving run wins for the keys it set, and keeps the others' newer entries", async () => {
    const first = await DownloadRecord.load(dir, '{name}', warn)
    first.setFile(url, placed('a.png'))
    await first.save()
    const a = await DownloadRecord.load(dir, '{name}', warn)
    const b = await DownloadRecord.load(dir, '{name}', warn)
    b.setFile(url, placed('a-2.png', 'bbbb'))
    await b.save()
    a.setFile(other, placed('b.png'))
    await a.save()
    const merged = await DownloadRecord.load(dir, '{name}', warn)
    expect(merged.file(url)).toMatchObject({ path: 'a-2.png', bytes: 4 })
    expect(merged.file(other)?.path).toBe('b.png')
  })

  it('holds one URL per path: a file overwritten with another URL is never vouched for as the old one', async () => {
    const first = await DownloadRecord.load(dir, '{name}', warn)
    first.setFile(url, placed('cat.png'))
    await first.save()
    const second = await DownloadRecord.load(dir, '{name}', warn)
    second.setFile(other, placed('cat.png', 'other bytes'))
    expect(second.file(url)).toBeUndefined()
    await second.save()
    const after = await DownloadRecord.load(dir, '{name}', warn)
    expect(after.file(url)).toBeUndefined()
    expect(after.file(other)).toMatchObject({ path: 'cat.png', bytes: 11 })
  })

  it('on a merge, drops another writer’s entry for a path this run wrote', async () => {
    const a = await DownloadRecord.load(dir, '{name}', warn)
    const b = await DownloadRecord.load(dir, '{name}', warn)
    b.setFile(url, placed('cat.png'))
    await b.save()
    a.setFile(other, placed('cat.png', 'newer'))
    await a.save()
    const merged = await DownloadRecord.load(dir, '{name}', warn)
    expect(merged.file(url)).toBeUndefined()
    expect(merged.file(other)?.path).toBe('cat.png')
  })

  it('keeps which results a task was fetched with: main answers from an all record, not the reverse', async () => {
    const first = await DownloadRecord.load(dir, '{name}', warn)
    first.setFile(url, placed('a.png'))
    first.setTask('t-main', 'veo', [url], 1, 'main')
    first.setFile(other, placed('a-x.png'))
    first.setTask('t-all', 'veo', [url, other], 1, 'all')
    await first.save()
    const r = await DownloadRecord.load(dir, '{name}', warn)
    expect(r.task('t-main', 'all')).toBeUndefined()
    expect(r.task('t-main', 'main')?.files.map(f => f.path)).toEqual(['a.png'])
    expect(r.task('t-all', 'all')?.files.map(f => f.path)).toEqual(['a.png', 'a-x.png'])
    expect(r.task('t-all', 'main')?.files.map(f => f.path)).toEqual(['a.png'])
  })

  it('does not bring back on a merge an entry whose file this run found gone', async () => {
    const first = await DownloadRecord.load(dir, '{name}', warn)
    first.setFile(url, placed('a.png'))
    first.setFile(other, placed('b.png'))
    await first.save()
    rmSync(path.join(dir, 'a.png'))
    const record = await DownloadRecord.load(dir, '{name}', warn)
    record.setFile('https://h.example/c.png', placed('c.png'))
    await record.save()
    const text = readFileSync(path.join(dir, RECORD), 'utf8')
    expect(text).not.toContain('"a.png"')
    expect(text).toContain('"b.png"')
  })

  it('does not write a record it would refuse to read (over 4 MiB), and says so', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    const facts = placed('a.png')
    // Files 180 folders deep: 2 KiB an entry, so a few thousand entries pass 4 MiB.
    const deep = 'abcdefghij/'.repeat(180)
    for (let i = 0; i < 2200; i++) {
      record.setFile(`https://h.example/${i}.png`, { ...facts, path: `${deep}f${i}.png` })
    }
    expect(await record.save()).toBe(false)
    expect(warnings).toEqual([
      `${RECORD} in ${dir} would hold 2200 files, more than 4 MiB: not written. A later \`if-exists: skip\` run hashes the files it finds instead.`
    ])
    expect(readdirSync(dir)).toEqual(['a.png'])
  })

  it('writes version 2 JSON: the template, files by key without their state, tasks with their keys', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    const a = placed('a.png')
    const b = placed('sub/b.png', 'four')
    record.setFile(url, a)
    record.setFile(other, { ...b, contentType: null })
    record.setTask('t-1', 'veo', [url, other], 1, 'all')
    expect(await record.save()).toBe(true)
    expect(readFileSync(path.join(dir, RECORD), 'utf8')).toBe(
      JSON.stringify({
        version: 2,
        filename: '{name}',
        files: {
          [recordKey(url)]: { url: 'https://h.example/v/a.png?…', ...a },
          [recordKey(other)]: { url: 'https://h.example/v/b.png?…', ...b, contentType: null }
        },
        tasks: {
          't-1': { type: 'veo', files: [recordKey(url), recordKey(other)], main: 1, results: 'all' }
        }
      })
    )
  })

  it('does not record a task without files', async () => {
    const record = await DownloadRecord.load(dir, '{name}', warn)
    record.setTask('empty', 'market', [])
    expect(await record.save()).toBe(false)
    expect(record.task('empty')).toBeUndefined()
  })
})
