// The destination folder: temp files, atomic placement that never leaves it, and the record of earlier runs.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import {
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readFile,
  realpath,
  rename,
  rm,
  writeFile
} from 'node:fs/promises'
import path from 'node:path'
import { RECORD_FILE, TEMP_PREFIX } from './constants.js'
import { TransferError } from './errors.js'

/** What an earlier run wrote for one URL: lets `if-exists: skip` find names that came from Content-Type. */
export interface RecordEntry {
  /** Relative to the destination, with `/`. */
  path: string
  bytes: number
  sha256: string
  contentType: string | null
  /** The file's mtime when recorded: a changed file is hashed again. */
  mtimeMs: number
}

interface RecordFile {
  version: 1
  /** The name template the paths were made with; another template makes other names. */
  filename: string
  files: Record<string, RecordEntry>
}

export interface FileFacts {
  bytes: number
  sha256: string
}

export class Destination {
  /** Absolute path as the user gave it (outputs use it). */
  readonly dir: string
  /** The same folder with symlinks resolved: every file must end up below it. */
  private readonly real: string

  private constructor(dir: string, real: string) {
    this.dir = dir
    this.real = real
  }

  static async open(dir: string): Promise<Destination> {
    await mkdir(dir, { recursive: true })
    return new Destination(dir, await realpath(dir))
  }

  /** Absolute path of a relative name. */
  pathOf(relPath: string): string {
    return path.join(this.dir, ...relPath.split('/'))
  }

  /**
   * A new temp file, created exclusively (`wx`) so that nothing standing there, a planted symlink
   * included, is ever followed or truncated.
   */
  async createTemp(): Promise<{ path: string; handle: FileHandle }> {
    const tempPath = path.join(this.dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}.part`)
    return { path: tempPath, handle: await open(tempPath, 'wx', 0o644) }
  }

  /** A regular file (not a symlink) standing at the name, if any. */
  async existing(relPath: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    try {
      const stats = await lstat(this.pathOf(relPath))
      return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined
    } catch {
      return undefined
    }
  }

  /** Anything at all standing at the name (a file, a link, a folder). */
  async occupied(relPath: string): Promise<boolean> {
    return lstat(this.pathOf(relPath)).then(
      () => true,
      () => false
    )
  }

  /** Bytes and sha256 of a file already there (for skipped entries). */
  async hash(relPath: string): Promise<FileFacts> {
    const hash = createHash('sha256')
    let bytes = 0
    for await (const chunk of createReadStream(this.pathOf(relPath)) as AsyncIterable<Buffer>) {
      hash.update(chunk)
      bytes += chunk.length
    }
    return { bytes, sha256: hash.digest('hex') }
  }

  /**
   * Moves a finished temp file to its name. `overwrite` renames over whatever is there (a symlink
   * is replaced, never followed); otherwise link() refuses atomically if the name is taken.
   */
  async place(tempPath: string, relPath: string, overwrite: boolean): Promise<string> {
    const target = this.pathOf(relPath)
    const parent = path.dirname(target)
    await mkdir(parent, { recursive: true })
    const realParent = await realpath(parent)
    if (realParent !== this.real && !realParent.startsWith(this.real + path.sep)) {
      throw new TransferError(
        `refused to write ${relPath}: its folder leads outside the destination`
      )
    }
    if (overwrite) {
      await rename(tempPath, target)
    } else {
      try {
        await link(tempPath, target)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new TransferError(`${relPath} already exists (if-exists: fail); left untouched`)
        }
        throw error
      }
      await rm(tempPath, { force: true })
    }
    return target
  }

  async removeTemp(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true })
  }

  /** The record of earlier runs made with the same name template (empty when none or unreadable). */
  async loadRecord(filename: string): Promise<Map<string, RecordEntry>> {
    try {
      const parsed = JSON.parse(
        await readFile(path.join(this.dir, RECORD_FILE), 'utf8')
      ) as RecordFile
      if (
        parsed.version !== 1 ||
        parsed.filename !== filename ||
        typeof parsed.files !== 'object'
      ) {
        return new Map()
      }
      return new Map(Object.entries(parsed.files))
    } catch {
      return new Map()
    }
  }

  /** Writes the record atomically (temp file, then rename). */
  async saveRecord(filename: string, files: Map<string, RecordEntry>): Promise<void> {
    const record: RecordFile = { version: 1, filename, files: Object.fromEntries(files) }
    const temp = path.join(this.dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}.json`)
    try {
      await writeFile(temp, JSON.stringify(record, null, 1), { flag: 'wx' })
      await rename(temp, path.join(this.dir, RECORD_FILE))
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }
}
