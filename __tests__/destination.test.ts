import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
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
import { Destination, recordEntry, recordKey } from '../src/place/destination.js'

let root: string
let dir: string
let outside: string

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kie-dest-'))
  dir = path.join(root, 'out')
  outside = path.join(root, 'elsewhere')
  mkdirSync(outside)
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

async function tempWith(dest: Destination, text: string): Promise<string> {
  const { path: temp, handle } = await dest.createTemp()
  await handle.writeFile(text)
  await handle.close()
  return temp
}

describe('Destination', () => {
  it('creates the folder and makes hidden, exclusive temp files in it', async () => {
    const dest = await Destination.open(dir)
    const temp = await tempWith(dest, 'x')
    expect(path.dirname(temp)).toBe(dir)
    expect(path.basename(temp)).toMatch(/^\.kie-download-[0-9a-f]{16}\.part$/)
  })

  it('place(overwrite) replaces a planted symlink itself, never its target', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(outside, 'victim'), 'precious')
    symlinkSync(path.join(outside, 'victim'), path.join(dir, 'a.png'))
    await dest.place(await tempWith(dest, 'new'), 'a.png', true)
    expect(lstatSync(path.join(dir, 'a.png')).isSymbolicLink()).toBe(false)
    expect(readFileSync(path.join(dir, 'a.png'), 'utf8')).toBe('new')
    expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('precious')
  })

  it('place without overwrite refuses a taken name atomically and leaves both files as they were', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(dir, 'a.png'), 'mine')
    const temp = await tempWith(dest, 'new')
    await expect(dest.place(temp, 'a.png', false)).rejects.toThrow(
      'a.png is already taken on disk; left untouched'
    )
    expect(readFileSync(path.join(dir, 'a.png'), 'utf8')).toBe('mine')
  })

  it('place creates subfolders, but none through a symlinked folder that leads outside', async () => {
    const dest = await Destination.open(dir)
    await dest.place(await tempWith(dest, '1'), 't1/deep/a.png', false)
    expect(readFileSync(path.join(dir, 't1', 'deep', 'a.png'), 'utf8')).toBe('1')
    symlinkSync(outside, path.join(dir, 'evil'))
    await expect(dest.place(await tempWith(dest, '2'), 'evil/sub/a.png', true)).rejects.toThrow(
      'refused to write evil/sub/a.png: its folder leads outside the destination'
    )
    expect(readdirSync(outside)).toEqual([])
  })

  it('existing() sees only regular files really inside the destination', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(dir, 'file.png'), 'abc')
    writeFileSync(path.join(outside, 'x.png'), 'abc')
    symlinkSync(path.join(outside, 'x.png'), path.join(dir, 'link.png'))
    symlinkSync(outside, path.join(dir, 'evil'))
    mkdirSync(path.join(dir, 'folder.png'))
    expect(await dest.existing('file.png')).toMatchObject({ size: 3 })
    expect(await dest.existing('link.png')).toBeUndefined()
    expect(await dest.existing('evil/x.png')).toBeUndefined()
    expect(await dest.existing('folder.png')).toBeUndefined()
    expect(await dest.existing('missing.png')).toBeUndefined()
    expect(await dest.occupied('folder.png')).toBe(true)
  })

  it('hash() gives bytes and sha256 of a file', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(dir, 'a.txt'), 'abc')
    expect(await dest.hash('a.txt')).toEqual({
      bytes: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    })
  })

  it('removes temp files older than an hour when opened, and keeps younger ones', async () => {
    mkdirSync(dir)
    for (const name of ['.kie-download-old.part', '.kie-download-young.part', 'keep.png']) {
      writeFileSync(path.join(dir, name), '')
    }
    const old = new Date(Date.now() - 61 * 60 * 1000)
    utimesSync(path.join(dir, '.kie-download-old.part'), old, old)
    utimesSync(path.join(dir, 'keep.png'), old, old)
    await Destination.open(dir)
    expect(readdirSync(dir).sort()).toEqual(['.kie-download-young.part', 'keep.png'])
  })
})

describe('the record', () => {
  const url = 'https://h.example/v/a.png?token=secret'
  const entry = recordEntry(url, 'sub/a.png', {
    bytes: 3,
    sha256: 'ab',
    contentType: 'image/png',
    mtimeMs: 1
  })

  it('round-trips, keyed by a hash of the URL, with no query string on disk', async () => {
    const dest = await Destination.open(dir)
    await dest.saveRecord('{name}', new Map([[recordKey(url), entry]]))
    const text = readFileSync(path.join(dir, '.kie-download.json'), 'utf8')
    expect(text).not.toContain('secret')
    expect((await dest.loadRecord('{name}')).get(recordKey(url))).toEqual({
      ...entry,
      url: 'https://h.example/v/a.png?…'
    })
    expect(readdirSync(dir)).toEqual(['.kie-download.json'])
  })

  it('is ignored when made with another name template', async () => {
    const dest = await Destination.open(dir)
    await dest.saveRecord('{name}', new Map([[recordKey(url), entry]]))
    expect((await dest.loadRecord('{index}-{name}')).size).toBe(0)
  })

  it.each(['../outside.png', '/etc/passwd', 'a/../../b.png', '.hidden', 'a//b.png', 'a b.png'])(
    'drops an entry whose path %j is not a name this action could have made',
    async bad => {
      const dest = await Destination.open(dir)
      await dest.saveRecord('{name}', new Map([[recordKey(url), { ...entry, path: bad }]]))
      expect((await dest.loadRecord('{name}')).size).toBe(0)
    }
  )

  it('an unreadable or foreign record reads as empty', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(dir, '.kie-download.json'), '{"version": 1, "files": {}}')
    expect((await dest.loadRecord('{name}')).size).toBe(0)
    writeFileSync(path.join(dir, '.kie-download.json'), 'not json')
    expect((await dest.loadRecord('{name}')).size).toBe(0)
    expect(existsSync(path.join(dir, '.kie-download.json'))).toBe(true)
  })
})
