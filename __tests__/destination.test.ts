import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as nodeFs from 'node:fs/promises'
import { Destination, type DestinationFs, isInside } from '../src/place/destination.js'

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

  it('passes over a temp name already taken, never opening what stands there', async () => {
    const dest = await Destination.open(dir)
    const first = path.basename(await tempWith(dest, 'x'))
    // Names are the run's tag and a counter: plant a file at the next one.
    const tag = first.slice('.kie-download-'.length, '.kie-download-'.length + 8)
    const planted = path.join(dir, `.kie-download-${tag}00000002.part`)
    writeFileSync(planted, 'someone else')
    const next = await tempWith(dest, 'y')
    expect(next).not.toBe(planted)
    expect(path.basename(next)).toMatch(/^\.kie-download-[0-9a-f]{16}\.part$/)
    expect(readFileSync(planted, 'utf8')).toBe('someone else')
    expect(readFileSync(next, 'utf8')).toBe('y')
  })

  it('writeTemp: a small body in a new temp file with its mtime; a taken name is passed over, untouched', async () => {
    const dest = await Destination.open(dir)
    const first = await dest.writeTemp(Buffer.from('x'))
    expect(readFileSync(first.path, 'utf8')).toBe('x')
    expect(first.mtimeMs).toBe(statSync(first.path).mtimeMs)
    const tag = path
      .basename(first.path)
      .slice('.kie-download-'.length, '.kie-download-'.length + 8)
    const planted = path.join(dir, `.kie-download-${tag}00000002.part`)
    writeFileSync(planted, 'someone else')
    const next = await dest.writeTemp(Buffer.from('y'))
    expect(next.path).not.toBe(planted)
    expect(readFileSync(planted, 'utf8')).toBe('someone else')
    expect(readFileSync(next.path, 'utf8')).toBe('y')
  })

  it('place() with a known mtime reports it without looking again', async () => {
    const dest = await Destination.open(dir)
    const placed = await dest.place(await tempWith(dest, 'z'), 'b.png', true, 1234)
    expect(placed).toEqual({ path: path.join(dir, 'b.png'), mtimeMs: 1234 })
    expect(readFileSync(path.join(dir, 'b.png'), 'utf8')).toBe('z')
  })

  it('place(overwrite) replaces a planted symlink itself, never its target', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(outside, 'victim'), 'precious')
    symlinkSync(path.join(outside, 'victim'), path.join(dir, 'a.png'))
    const placed = await dest.place(await tempWith(dest, 'new'), 'a.png', true)
    expect(placed).toEqual({
      path: path.join(dir, 'a.png'),
      mtimeMs: lstatSync(path.join(dir, 'a.png')).mtimeMs
    })
    expect(lstatSync(path.join(dir, 'a.png')).isSymbolicLink()).toBe(false)
    expect(readFileSync(path.join(dir, 'a.png'), 'utf8')).toBe('new')
    expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('precious')
  })

  it('place without overwrite refuses a taken name atomically and leaves both files as they were', async () => {
    const dest = await Destination.open(dir)
    writeFileSync(path.join(dir, 'a.png'), 'mine')
    const temp = await tempWith(dest, 'new')
    await expect(dest.place(temp, 'a.png', false)).rejects.toThrow(
      'already taken on disk; left untouched'
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
    expect(
      readdirSync(dir)
        .filter(n => !n.startsWith('.kie-download-'))
        .sort()
    ).toEqual(['evil', 't1'])
  })

  it('a refused placement creates no folder, however deep its name', async () => {
    const dest = await Destination.open(dir)
    symlinkSync(outside, path.join(dir, 'evil'))
    const temp = await tempWith(dest, '2')
    await expect(dest.place(temp, 'evil/a/b/c/d.png', false)).rejects.toThrow('refused to write')
    expect(readdirSync(outside)).toEqual([])
    expect(readdirSync(dir).sort()).toEqual([path.basename(temp), 'evil'].sort())
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

  it('leadsOutside() tells a name whose folder is a symlink to elsewhere', async () => {
    const dest = await Destination.open(dir)
    mkdirSync(path.join(dir, 'sub'))
    symlinkSync(outside, path.join(dir, 'evil'))
    symlinkSync(path.join(dir, 'sub'), path.join(dir, 'alias'))
    expect(await dest.leadsOutside('evil/x.png')).toBe(true)
    expect(await dest.leadsOutside('sub/x.png')).toBe(false)
    // A symlink to a folder inside the destination is inside, as for a placement.
    expect(await dest.leadsOutside('alias/x.png')).toBe(false)
    expect(await dest.leadsOutside('missing/x.png')).toBe(false)
    expect(await dest.leadsOutside('x.png')).toBe(false)
  })

  it('diskFull() says a full disk or a spent quota plainly, as an error that stops the run', async () => {
    const dest = await Destination.open(dir)
    const errno = (code: string): Error => Object.assign(new Error(`${code}: write`), { code })
    expect(dest.diskFull(errno('ENOSPC'))).toMatchObject({
      message: `no space left on the device holding ${dir}`,
      stopAll: true,
      retryable: false
    })
    expect(dest.diskFull(errno('EDQUOT'))?.message).toBe(
      `the disk quota is used up on the device holding ${dir}`
    )
    expect(dest.diskFull(errno('EACCES'))).toBeNull()
    expect(dest.diskFull(new Error('other'))).toBeNull()
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

describe('Destination.open and close', () => {
  it('refuses a path that names a file, creating nothing', async () => {
    writeFileSync(path.join(root, 'file'), 'x')
    await expect(Destination.open(path.join(root, 'file'))).rejects.toMatchObject({
      code: 'ENOTDIR'
    })
    await expect(Destination.open(path.join(root, 'file', 'sub'))).rejects.toThrow()
    expect(readdirSync(root).sort()).toEqual(['elsewhere', 'file'])
  })

  it('removes the folders it created when nothing was placed, and only those', async () => {
    const deep = path.join(dir, 'a', 'b')
    const dest = await Destination.open(deep)
    expect(lstatSync(deep).isDirectory()).toBe(true)
    await dest.close()
    expect(readdirSync(root)).toEqual(['elsewhere'])
  })

  it('keeps a folder it did not create, even when nothing was placed', async () => {
    mkdirSync(dir)
    await (await Destination.open(dir)).close()
    expect(lstatSync(dir).isDirectory()).toBe(true)
  })

  it('keeps the folder it created once a file was placed', async () => {
    const dest = await Destination.open(dir)
    await dest.place(await tempWith(dest, 'x'), 'sub/a.png', false)
    await dest.close()
    expect(readFileSync(path.join(dir, 'sub', 'a.png'), 'utf8')).toBe('x')
  })

  it('leaves a created folder that still holds something (a temp file that could not go)', async () => {
    const dest = await Destination.open(dir)
    const temp = await tempWith(dest, 'x')
    await dest.close()
    expect(readdirSync(dir)).toEqual([path.basename(temp)])
  })
})

describe('containment checks', () => {
  /** The real file system, counting realpath calls. */
  function countingFs(): { fs: DestinationFs; realpaths: string[] } {
    const realpaths: string[] = []
    const fs = {
      ...(nodeFs as unknown as DestinationFs),
      realpath: async (p: string) => {
        realpaths.push(p)
        return nodeFs.realpath(p)
      }
    }
    return { fs, realpaths }
  }

  it('checks each folder once per run, not once per file', async () => {
    const { fs, realpaths } = countingFs()
    const dest = await Destination.open(dir, { fs })
    for (let i = 0; i < 20; i++) {
      await dest.place(await tempWith(dest, `${i}`), `t/${i}.png`, false)
      await dest.place(await tempWith(dest, `${i}`), `${i}.png`, false)
      expect(await dest.existing(`t/${i}.png`)).toMatchObject({ size: `${i}`.length })
    }
    // The destination at open, then the new folder once (its parent is the destination, known).
    expect(realpaths).toEqual([dir, path.join(dir, 't')])
  })

  it('checks a folder again when it went away during the run', async () => {
    const dest = await Destination.open(dir)
    await dest.place(await tempWith(dest, '1'), 't/a.png', false)
    rmSync(path.join(dir, 't'), { recursive: true })
    await dest.place(await tempWith(dest, '2'), 't/b.png', false)
    expect(readdirSync(path.join(dir, 't'))).toEqual(['b.png'])
  })

  it('on a file system without hard links, places by rename and still refuses a taken name', async () => {
    const fs: DestinationFs = {
      ...(nodeFs as unknown as DestinationFs),
      link: () => Promise.reject(Object.assign(new Error('no links'), { code: 'EPERM' }))
    }
    const dest = await Destination.open(dir, { fs })
    await dest.place(await tempWith(dest, 'new'), 'a.png', false)
    expect(readFileSync(path.join(dir, 'a.png'), 'utf8')).toBe('new')
    const temp = await tempWith(dest, 'newer')
    await expect(dest.place(temp, 'a.png', false)).rejects.toThrow(
      'already taken on disk; left untouched'
    )
    expect(readFileSync(path.join(dir, 'a.png'), 'utf8')).toBe('new')
  })

  it.each([
    ['/work/out', '/work/out', true],
    ['/work/out', '/work/out/a/b', true],
    ['/work/out', '/work/out/..a', true],
    ['/work/out', '/work/out2', false],
    ['/work/out', '/work', false],
    ['/work/out', '/etc', false],
    ['/', '/t1', true],
    ['/', '/', true]
  ])('isInside(%j, %j) is %j on POSIX', (root, candidate, inside) => {
    expect(isInside(root, candidate, path.posix)).toBe(inside)
  })
})
