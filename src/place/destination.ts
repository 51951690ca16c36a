// The destination folder: temp files, and placement that never leaves it nor leaves anything behind when nothing is placed.
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, createReadStream, fstatSync, open as openCb, writeSync } from 'node:fs'
import * as nodeFs from 'node:fs/promises'
import { type FileHandle, open } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { TEMP_PREFIX } from '../constants.js'
import { TransferError } from '../errors.js'

/** open(2) in the thread pool, giving a plain descriptor (a FileHandle is closed asynchronously only). */
const openFd = promisify(openCb)

/** Temp files older than this are leftovers of a cancelled run (a live one touches its own). */
const STALE_TEMP_MS = 60 * 60 * 1000

/**
 * link() errors that mean "this file system has no hard links" (FAT, exFAT, some network shares):
 * EPERM on Linux and macOS, EISDIR on Windows (libuv's reading of ERROR_INVALID_FUNCTION).
 */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EISDIR'])

export interface FileFacts {
  bytes: number
  sha256: string
}

/** The file system calls the destination makes, so tests can play another platform's part. */
export interface DestinationFs {
  lstat: (p: string) => Promise<FsStats>
  stat: (p: string) => Promise<FsStats>
  realpath: (p: string) => Promise<string>
  /** Resolves to the first folder it created, if any. */
  mkdir: (p: string, options: { recursive: true }) => Promise<string | undefined>
  rmdir: (p: string) => Promise<void>
  link: (existing: string, created: string) => Promise<void>
  rename: (from: string, to: string) => Promise<void>
  rm: (p: string, options: { force: true; maxRetries: number }) => Promise<void>
  readdir: (p: string) => Promise<string[]>
}

export interface FsStats {
  isFile: () => boolean
  isDirectory: () => boolean
  size: number
  mtimeMs: number
}

export interface DestinationOptions {
  /** The platform's path functions (path.win32 to test the Windows branch anywhere). */
  path?: path.PlatformPath
  fs?: DestinationFs
}

/**
 * True when `candidate` is `root` or below it. Both must be real paths (symlinks resolved) of the
 * same platform; `p.relative` knows that platform's separator, drive letters and case rules, and a
 * root (`/`, `C:\`) contains everything on it.
 */
export function isInside(root: string, candidate: string, p: path.PlatformPath = path): boolean {
  const rel = p.relative(root, candidate)
  return rel === '' || (!p.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${p.sep}`))
}

/** What place() did: where the file now is, and its mtime (for the record). */
export interface Placed {
  path: string
  mtimeMs: number
}

export class Destination {
  /** Absolute path as the user gave it (normalised; outputs use it). */
  readonly dir: string
  /** The same folder with symlinks resolved: every file must end up below it. */
  private readonly real: string
  private readonly p: path.PlatformPath
  private readonly fs: DestinationFs
  /** The first folder open() created (the destination or an ancestor), if it did. */
  private readonly created: string | undefined
  /** Folders already found to be inside: each is checked once per run, not once per file. */
  private readonly checked = new Set<string>()
  private placed = 0
  /** Temp names: this run's random tag, then a counter. */
  private readonly tempTag = randomBytes(4).toString('hex')
  private temps = 0

  private constructor(
    dir: string,
    real: string,
    created: string | undefined,
    p: path.PlatformPath,
    fs: DestinationFs
  ) {
    this.dir = dir
    this.real = real
    this.created = created
    this.p = p
    this.fs = fs
    this.checked.add(dir)
  }

  /**
   * Checks the folder, creates it if needed (close() removes it again when nothing was placed),
   * and removes temp files a cancelled run left behind. Fails, creating nothing, when the path
   * names something that is not a folder.
   */
  static async open(dir: string, options: DestinationOptions = {}): Promise<Destination> {
    const p = options.path ?? path
    const fs = options.fs ?? (nodeFs as unknown as DestinationFs)
    const absolute = p.resolve(dir)
    const stats = await fs.stat(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    if (stats && !stats.isDirectory()) {
      throw Object.assign(new Error(`${absolute} is not a folder`), { code: 'ENOTDIR' })
    }
    const created = stats ? undefined : await fs.mkdir(absolute, { recursive: true })
    const dest = new Destination(absolute, await fs.realpath(absolute), created, p, fs)
    await dest.removeStaleTemps()
    return dest
  }

  /** Absolute path of a relative name. */
  pathOf(relPath: string): string {
    return this.p.join(this.dir, ...relPath.split('/'))
  }

  /**
   * A new temp file, created exclusively (`wx`) so that nothing standing there, a planted symlink
   * included, is ever followed or truncated.
   */
  async createTemp(): Promise<{ path: string; handle: FileHandle }> {
    // A name taken anyway (a leftover of another run) is passed over.
    for (let tries = 1; ; tries++) {
      const tempPath = this.nextTempPath()
      try {
        return { path: tempPath, handle: await open(tempPath, 'wx', 0o644) }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 100) throw error
      }
    }
  }

  /**
   * A small finished file in a new temp file. Creating it goes to the thread pool (it changes the
   * folder, whose lock other files' renames may hold); writing a few KiB to the new file, reading
   * its mtime and closing it are synchronous: each takes microseconds, less than a trip to the
   * thread pool and back. On failure nothing is left behind.
   */
  async writeTemp(body: Buffer): Promise<{ path: string; mtimeMs: number }> {
    // A name taken anyway (a leftover of another run) is passed over, as in createTemp().
    for (let tries = 1; ; tries++) {
      const tempPath = this.nextTempPath()
      let fd: number
      try {
        fd = await openFd(tempPath, 'wx', 0o644)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 100) throw error
        continue
      }
      let open = true
      try {
        for (let at = 0; at < body.length;) at += writeSync(fd, body, at, body.length - at)
        // The mtime for the record, from the descriptor: placing the file keeps it.
        const { mtimeMs } = fstatSync(fd)
        // A close that fails has still freed the descriptor (close(2)): never close it twice,
        // as another file may have been given its number in between.
        open = false
        closeSync(fd)
        return { path: tempPath, mtimeMs }
      } catch (error) {
        if (open) closeSync(fd)
        await this.removeTemp(tempPath)
        throw error
      }
    }
  }

  /**
   * A regular file (not a symlink) standing at the name, in a folder that really is inside the
   * destination; anything else is not a file this action may report.
   */
  async existing(relPath: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    const target = this.pathOf(relPath)
    const stats = await this.fs.lstat(target).catch(() => undefined)
    if (!stats?.isFile() || !(await this.folderInside(this.p.dirname(target)))) return undefined
    return { size: stats.size, mtimeMs: stats.mtimeMs }
  }

  /**
   * A full disk (ENOSPC) or a spent quota (EDQUOT) said plainly, as an error that stops the run:
   * every other download would fail the same way. Null for any other error.
   */
  diskFull(error: unknown): TransferError | null {
    const code = (error as NodeJS.ErrnoException | null)?.code
    if (code !== 'ENOSPC' && code !== 'EDQUOT') return null
    const what = code === 'ENOSPC' ? 'no space left' : 'the disk quota is used up'
    return new TransferError(`${what} on the device holding ${this.dir}`, { stopAll: true })
  }

  /** Whether the folder the name would stand in exists and leads outside the destination (a symlink). */
  async leadsOutside(relPath: string): Promise<boolean> {
    const folder = this.p.dirname(this.pathOf(relPath))
    return (await this.exists(folder)) && !(await this.folderInside(folder))
  }

  /** Anything at all standing at the name (a file, a link, a folder). */
  async occupied(relPath: string): Promise<boolean> {
    return this.exists(this.pathOf(relPath))
  }

  /** Bytes and sha256 of a file already there (for skipped entries). */
  async hash(relPath: string, signal?: AbortSignal): Promise<FileFacts> {
    const hash = createHash('sha256')
    let bytes = 0
    // A cancelled run stops hashing at once: a big kept video must not hold up the wind-down.
    const stream = createReadStream(this.pathOf(relPath), { signal })
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk)
      bytes += chunk.length
    }
    return { bytes, sha256: hash.digest('hex') }
  }

  /** A random tag per run and a counter: unique without asking for random bytes per file. */
  private nextTempPath(): string {
    this.temps = (this.temps + 1) >>> 0
    const name = `${this.tempTag}${this.temps.toString(16).padStart(8, '0')}`
    return this.p.join(this.dir, `${TEMP_PREFIX}${name}.part`)
  }

  /**
   * Moves a finished temp file to its name. `overwrite` renames over whatever is there (a symlink
   * is replaced, never followed); otherwise link() refuses atomically if the name is taken. A
   * placement that is refused creates no folder. `mtimeMs`, when the caller read it from the
   * temp file's handle after the last write, saves an lstat of the placed file.
   */
  async place(
    tempPath: string,
    relPath: string,
    overwrite: boolean,
    mtimeMs?: number
  ): Promise<Placed> {
    const target = this.pathOf(relPath)
    const folder = this.p.dirname(target)
    const move = async (): Promise<void> => {
      await this.ensureFolder(folder, relPath)
      if (overwrite) await this.fs.rename(tempPath, target)
      else await this.linkInto(tempPath, target)
    }
    try {
      await move()
    } catch (error) {
      // A folder checked earlier in the run may have been removed since: check it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !this.checked.has(folder))
        throw error
      this.checked.delete(folder)
      await move()
    }
    this.placed++
    // Linking or renaming keeps the file's mtime: one known from its handle needs no lstat.
    if (mtimeMs !== undefined) return { path: target, mtimeMs }
    const stats = await this.fs.lstat(target)
    return { path: target, mtimeMs: stats.mtimeMs }
  }

  /** Best effort: a temp file that cannot be removed now goes at the next run's start. */
  async removeTemp(tempPath: string): Promise<void> {
    await this.fs.rm(tempPath, { force: true, maxRetries: 3 }).catch(() => undefined)
  }

  /**
   * Ends the run's use of the folder: when nothing was placed, the folders open() created are
   * removed again (each only if empty), so a run that placed nothing leaves nothing. Call it after
   * the lock is released and the record saved.
   */
  async close(): Promise<void> {
    if (this.placed > 0 || !this.created) return
    for (let folder = this.dir; ; folder = this.p.dirname(folder)) {
      try {
        await this.fs.rmdir(folder)
      } catch {
        return // not empty (or gone): leave it and everything above it
      }
      if (folder === this.created || this.p.dirname(folder) === folder) return
    }
  }

  /**
   * Makes `folder` if needed, checking the deepest folder that exists first: a symlinked subfolder
   * must not get empty folders made outside the destination. Each folder is checked once a run.
   */
  private async ensureFolder(folder: string, relPath: string): Promise<void> {
    if (this.checked.has(folder)) return
    let ancestor = folder
    while (!this.checked.has(ancestor) && !(await this.exists(ancestor))) {
      const up = this.p.dirname(ancestor)
      if (up === ancestor) break
      ancestor = up
    }
    if (ancestor !== folder) {
      if (!(await this.folderInside(ancestor))) throw this.outside(relPath)
      await this.fs.mkdir(folder, { recursive: true })
    }
    if (!(await this.folderInside(folder))) throw this.outside(relPath)
  }

  /** Whether a folder's real path is inside; positive answers are kept for the rest of the run. */
  private async folderInside(folder: string): Promise<boolean> {
    if (this.checked.has(folder)) return true
    const real = await this.fs.realpath(folder).catch(() => undefined)
    if (real === undefined || !isInside(this.real, real, this.p)) return false
    this.checked.add(folder)
    return true
  }

  /** link() where the file system has hard links; where it has none, a check and a rename. */
  private async linkInto(tempPath: string, target: string): Promise<void> {
    try {
      await this.fs.link(tempPath, target)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (code === 'EEXIST') throw this.taken()
      if (!NO_HARD_LINKS.has(code)) throw error
      // Not atomic, but this run holds the destination's lock: only a person could slip in.
      if (await this.exists(target)) throw this.taken()
      await this.fs.rename(tempPath, target)
      return
    }
    await this.removeTemp(tempPath)
  }

  private async exists(absolute: string): Promise<boolean> {
    return this.fs.lstat(absolute).then(
      () => true,
      () => false
    )
  }

  private taken(): TransferError {
    // The log line and the summary row name the file already.
    return new TransferError('already taken on disk; left untouched')
  }

  private outside(relPath: string): TransferError {
    return new TransferError(
      `refused to write ${relPath}: its folder leads outside the destination`
    )
  }

  private async removeStaleTemps(): Promise<void> {
    const now = Date.now()
    for (const name of await this.fs.readdir(this.dir)) {
      if (!name.startsWith(TEMP_PREFIX)) continue
      const full = this.p.join(this.dir, name)
      const stats = await this.fs.lstat(full).catch(() => undefined)
      if (stats?.isFile() && now - stats.mtimeMs > STALE_TEMP_MS) await this.removeTemp(full)
    }
  }
}
