// The destination as Windows (and a root folder) sees it, on every OS: an in-memory file system with path.win32 and its rules.
import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import {
  Destination,
  type DestinationFs,
  type FsStats,
  isInside
} from '../src/place/destination.js'

type Node = { kind: 'dir' } | { kind: 'file'; text: string } | { kind: 'link'; target: string }

function fsError(code: string, p: string): Error {
  return Object.assign(new Error(`${code}: ${p}`), { code })
}

/**
 * A small file system with one platform's rules: its path functions, whether names are
 * case-insensitive (Windows, macOS), links (symlinks and junctions) and link() refusing a taken
 * name. Every entry keeps the case it was created with, as realpath reports it.
 */
class FakeFs implements DestinationFs {
  readonly entries = new Map<string, { canonical: string; node: Node }>()
  /** Set to a code to play a file system without hard links. */
  linkError: string | undefined

  readonly p: path.PlatformPath
  readonly caseInsensitive: boolean

  constructor(p: path.PlatformPath, caseInsensitive: boolean) {
    this.p = p
    this.caseInsensitive = caseInsensitive
  }

  private key(abs: string): string {
    const normal = this.p.resolve(abs)
    return this.caseInsensitive ? normal.toLowerCase() : normal
  }

  private get(abs: string): { canonical: string; node: Node } | undefined {
    const root = this.p.parse(this.p.resolve(abs)).root
    if (this.key(abs) === this.key(root)) return { canonical: root, node: { kind: 'dir' } }
    return this.entries.get(this.key(abs))
  }

  add(abs: string, node: Node): void {
    this.entries.set(this.key(abs), { canonical: this.p.resolve(abs), node })
  }

  /** The real path of `abs`: links followed (the last one too when `followLast`), case as stored. */
  private resolve(abs: string, followLast: boolean, depth = 0): string {
    if (depth > 20) throw fsError('ELOOP', abs)
    const full = this.p.resolve(abs)
    const { root } = this.p.parse(full)
    const parts = full.slice(root.length).split(this.p.sep).filter(Boolean)
    let current = this.get(root)?.canonical ?? root
    for (const [i, part] of parts.entries()) {
      const entry = this.get(this.p.join(current, part))
      if (!entry) throw fsError('ENOENT', abs)
      const last = i === parts.length - 1
      if (entry.node.kind === 'link' && (!last || followLast)) {
        current = this.resolve(entry.node.target, true, depth + 1)
      } else {
        if (!last && entry.node.kind !== 'dir') throw fsError('ENOTDIR', abs)
        current = entry.canonical
      }
    }
    return current
  }

  private stats(node: Node): FsStats {
    return {
      isFile: () => node.kind === 'file',
      isDirectory: () => node.kind === 'dir',
      size: node.kind === 'file' ? node.text.length : 0,
      mtimeMs: 1000
    }
  }

  private parentReal(abs: string): string {
    return this.resolve(this.p.dirname(this.p.resolve(abs)), true)
  }

  async lstat(abs: string): Promise<FsStats> {
    const entry = this.get(this.p.join(this.parentReal(abs), this.p.basename(abs)))
    if (!entry) throw fsError('ENOENT', abs)
    return this.stats(entry.node)
  }

  async stat(abs: string): Promise<FsStats> {
    const real = this.resolve(abs, true)
    return this.stats((this.get(real) as { node: Node }).node)
  }

  async realpath(abs: string): Promise<string> {
    return this.resolve(abs, true)
  }

  async mkdir(abs: string): Promise<string | undefined> {
    const full = this.p.resolve(abs)
    const { root } = this.p.parse(full)
    let first: string | undefined
    let given = root
    for (const part of full.slice(root.length).split(this.p.sep).filter(Boolean)) {
      given = this.p.join(given, part)
      const parent = this.parentReal(given)
      const entry = this.get(this.p.join(parent, part))
      if (!entry) {
        this.add(this.p.join(parent, part), { kind: 'dir' })
        first ??= given
      } else if (this.stats(this.get(this.resolve(given, true))!.node).isDirectory() === false) {
        throw fsError('ENOTDIR', abs)
      }
    }
    return first
  }

  async rmdir(abs: string): Promise<void> {
    const real = this.resolve(abs, false)
    if (this.get(real)?.node.kind !== 'dir') throw fsError('ENOTDIR', abs)
    if ((await this.readdir(abs)).length > 0) throw fsError('ENOTEMPTY', abs)
    this.entries.delete(this.key(real))
  }

  async link(existing: string, created: string): Promise<void> {
    if (this.linkError) throw fsError(this.linkError, created)
    const from = this.get(this.resolve(existing, false))
    if (!from) throw fsError('ENOENT', existing)
    const to = this.p.join(this.parentReal(created), this.p.basename(created))
    if (this.get(to)) throw fsError('EEXIST', created)
    this.add(to, from.node)
  }

  async rename(from: string, to: string): Promise<void> {
    const source = this.resolve(from, false)
    const entry = this.get(source)
    if (!entry) throw fsError('ENOENT', from)
    const target = this.p.join(this.parentReal(to), this.p.basename(to))
    this.entries.delete(this.key(source))
    this.add(target, entry.node)
  }

  async rm(abs: string): Promise<void> {
    this.entries.delete(this.key(this.resolve(abs, false)))
  }

  async readdir(abs: string): Promise<string[]> {
    const real = this.resolve(abs, true)
    const prefix = this.key(real).replace(/[\\/]?$/, this.p.sep)
    return [...this.entries.entries()]
      .filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes(this.p.sep))
      .map(([, e]) => this.p.basename(e.canonical))
  }

  /** Every path, as stored. */
  list(): string[] {
    return [...this.entries.values()].map(e => e.canonical).sort()
  }
}

/** A Windows machine: C:\Work\out exists (note the case), D:\elsewhere is another drive. */
function windows(): FakeFs {
  const fs = new FakeFs(path.win32, true)
  fs.add('C:\\Work', { kind: 'dir' })
  fs.add('C:\\Work\\out', { kind: 'dir' })
  fs.add('C:\\Work\\out2', { kind: 'dir' })
  fs.add('D:\\elsewhere', { kind: 'dir' })
  return fs
}

/** A finished download waiting in the destination. */
function temp(fs: FakeFs, dir: string, text = 'data'): string {
  const file = fs.p.join(dir, `.kie-download-${Math.random().toString(16).slice(2)}.part`)
  fs.add(file, { kind: 'file', text })
  return file
}

describe('isInside on Windows paths', () => {
  it.each([
    ['C:\\Work\\out', 'C:\\Work\\out', true],
    ['C:\\Work\\out', 'C:\\Work\\out\\t1\\deep', true],
    ['C:\\Work\\out', 'c:\\work\\OUT\\t1', true],
    ['C:\\Work\\out', 'C:\\Work\\out2\\t1', false],
    ['C:\\Work\\out', 'C:\\Work', false],
    ['C:\\Work\\out', 'D:\\Work\\out\\t1', false],
    ['C:\\Work\\out', '\\\\server\\share\\out', false],
    ['C:\\', 'C:\\t1', true],
    ['C:\\', 'D:\\t1', false],
    ['\\\\server\\share', '\\\\server\\share\\out\\a', true]
  ])('isInside(%j, %j) is %j', (root, candidate, inside) => {
    expect(isInside(root, candidate, path.win32)).toBe(inside)
  })
})

describe('Destination on Windows', () => {
  it('names files with backslashes under the folder as given', async () => {
    const dest = await Destination.open('c:\\work\\out', { path: path.win32, fs: windows() })
    expect(dest.dir).toBe('c:\\work\\out')
    expect(dest.pathOf('t1/a.png')).toBe('c:\\work\\out\\t1\\a.png')
  })

  it('places into a subfolder although realpath answers in another case (C:\\Work, not c:\\work)', async () => {
    const fs = windows()
    const dest = await Destination.open('c:\\work\\out', { path: path.win32, fs })
    const placed = await dest.place(temp(fs, dest.dir), 't1/a.png', false)
    expect(placed.path).toBe('c:\\work\\out\\t1\\a.png')
    expect(fs.list()).toContain('C:\\Work\\out\\t1\\a.png')
    expect(await dest.existing('T1/A.PNG')).toEqual({ size: 4, mtimeMs: 1000 })
  })

  it('places below a drive root (C:\\) with a subfolder template', async () => {
    const fs = windows()
    const dest = await Destination.open('C:\\', { path: path.win32, fs })
    await dest.place(temp(fs, 'C:\\'), 't1/a.png', false)
    expect(fs.list()).toContain('C:\\t1\\a.png')
  })

  it('refuses a junction to another drive, creating nothing there or here', async () => {
    const fs = windows()
    fs.add('C:\\Work\\out\\evil', { kind: 'link', target: 'D:\\elsewhere' })
    const dest = await Destination.open('C:\\Work\\out', { path: path.win32, fs })
    const before = fs.list()
    await expect(dest.place(temp(fs, dest.dir), 'evil/sub/a.png', false)).rejects.toThrow(
      'refused to write evil/sub/a.png: its folder leads outside the destination'
    )
    expect(fs.list().filter(p => !p.includes('.kie-download-'))).toEqual(before)
  })

  it('refuses a junction to a sibling folder whose name only starts like the destination', async () => {
    const fs = windows()
    fs.add('C:\\Work\\out\\evil', { kind: 'link', target: 'C:\\Work\\out2' })
    const dest = await Destination.open('C:\\Work\\out', { path: path.win32, fs })
    await expect(dest.place(temp(fs, dest.dir), 'evil/a.png', true)).rejects.toThrow(
      'refused to write evil/a.png'
    )
    expect(fs.list()).not.toContain('C:\\Work\\out2\\a.png')
  })

  it('refuses, without overwrite, a name taken in another case (A.PNG for a.png)', async () => {
    const fs = windows()
    fs.add('C:\\Work\\out\\A.PNG', { kind: 'file', text: 'mine' })
    const dest = await Destination.open('C:\\Work\\out', { path: path.win32, fs })
    expect(await dest.occupied('a.png')).toBe(true)
    await expect(dest.place(temp(fs, dest.dir), 'a.png', false)).rejects.toThrow(
      'already taken on disk; left untouched'
    )
    expect(fs.entries.get('c:\\work\\out\\a.png')).toEqual({
      canonical: 'C:\\Work\\out\\A.PNG',
      node: { kind: 'file', text: 'mine' }
    })
  })

  it('on a drive without hard links (FAT: EISDIR), places by rename and refuses a taken name', async () => {
    const fs = windows()
    fs.linkError = 'EISDIR'
    const dest = await Destination.open('C:\\Work\\out', { path: path.win32, fs })
    await dest.place(temp(fs, dest.dir, 'new'), 'a.png', false)
    expect(fs.list()).toContain('C:\\Work\\out\\a.png')
    await expect(dest.place(temp(fs, dest.dir), 'A.png', false)).rejects.toThrow(
      'already taken on disk; left untouched'
    )
  })

  it('removes the folders it created when nothing was placed', async () => {
    const fs = windows()
    const dest = await Destination.open('C:\\Work\\new\\deeper', { path: path.win32, fs })
    expect(fs.list()).toContain('C:\\Work\\new\\deeper')
    await dest.close()
    expect(fs.list()).toEqual(['C:\\Work', 'C:\\Work\\out', 'C:\\Work\\out2', 'D:\\elsewhere'])
  })
})

describe('Destination at a POSIX root and on a case-sensitive file system', () => {
  it('places below / with a subfolder template instead of refusing it after making the folder', async () => {
    const fs = new FakeFs(path.posix, false)
    const dest = await Destination.open('/', { path: path.posix, fs })
    await dest.place(temp(fs, '/'), 't1/a.png', false)
    expect(fs.list().filter(p => !p.includes('.kie-download-'))).toEqual(['/t1', '/t1/a.png'])
  })

  it('checks SUB apart from sub: on Linux they are two folders, and one may lead outside', async () => {
    const fs = new FakeFs(path.posix, false)
    fs.add('/work', { kind: 'dir' })
    fs.add('/work/out', { kind: 'dir' })
    fs.add('/work/out/sub', { kind: 'dir' })
    fs.add('/elsewhere', { kind: 'dir' })
    fs.add('/work/out/SUB', { kind: 'link', target: '/elsewhere' })
    const dest = await Destination.open('/work/out', { path: path.posix, fs })
    await dest.place(temp(fs, dest.dir), 'sub/a.png', false)
    await expect(dest.place(temp(fs, dest.dir), 'SUB/b.png', false)).rejects.toThrow(
      'refused to write SUB/b.png'
    )
    expect(fs.list()).not.toContain('/elsewhere/b.png')
  })
})
