// The destination folder: temp files, placement that never leaves it, and the record of earlier runs.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import {
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  writeFile
} from 'node:fs/promises'
import path from 'node:path'
import { RECORD_FILE, TEMP_PREFIX } from '../constants.js'
import { TransferError } from '../errors.js'
import { sanitizeSegment } from './naming.js'
import { redactUrl } from '../util/safe-text.js'

/** Temp files older than this are leftovers of a cancelled run (a live one touches its own). */
const STALE_TEMP_MS = 60 * 60 * 1000

/** What an earlier run wrote for one URL: lets `if-exists: skip` find names that came from Content-Type. */
export interface RecordEntry {
  /** The URL without its query string, for people reading the file; the key is its hash. */
  url: string
  /** Relative to the destination, with `/`. */
  path: string
  bytes: number
  sha256: string
  contentType: string | null
  /** The file's mtime when recorded: a changed file is hashed again. */
  mtimeMs: number
}

interface RecordFile {
  version: 2
  /** The name template the paths were made with; another template makes other names. */
  filename: string
  /** Keyed by recordKey(url), so no query string of an input URL is written to disk. */
  files: Record<string, RecordEntry>
}

export interface FileFacts {
  bytes: number
  sha256: string
}

/** The record's key for a URL. */
export function recordKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32)
}

async function exists(absolute: string): Promise<boolean> {
  return lstat(absolute).then(
    () => true,
    () => false
  )
}

/** A relative path this action could have made: every segment already a safe name. */
function isSafeRelPath(relPath: unknown): relPath is string {
  return (
    typeof relPath === 'string' &&
    relPath.split('/').every(segment => segment !== '' && sanitizeSegment(segment) === segment)
  )
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

  /** Creates the folder if needed, and removes temp files a cancelled run left behind. */
  static async open(dir: string): Promise<Destination> {
    await mkdir(dir, { recursive: true })
    const dest = new Destination(dir, await realpath(dir))
    await dest.removeStaleTemps()
    return dest
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

  /**
   * A regular file (not a symlink) standing at the name, in a folder that really is inside the
   * destination; anything else is not a file this action may report.
   */
  async existing(relPath: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    try {
      const stats = await lstat(this.pathOf(relPath))
      if (!stats.isFile() || !this.inside(await realpath(path.dirname(this.pathOf(relPath))))) {
        return undefined
      }
      return { size: stats.size, mtimeMs: stats.mtimeMs }
    } catch {
      return undefined
    }
  }

  /** Anything at all standing at the name (a file, a link, a folder). */
  async occupied(relPath: string): Promise<boolean> {
    return exists(this.pathOf(relPath))
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
    // Check the deepest folder that exists before creating any: a symlinked subfolder must not
    // get empty folders made outside the destination.
    let existingAncestor = parent
    while (!(await exists(existingAncestor))) existingAncestor = path.dirname(existingAncestor)
    if (!this.inside(await realpath(existingAncestor))) throw this.outside(relPath)
    await mkdir(parent, { recursive: true })
    if (!this.inside(await realpath(parent))) throw this.outside(relPath)
    if (overwrite) {
      await rename(tempPath, target)
      return target
    }
    try {
      await link(tempPath, target)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new TransferError(`${relPath} is already taken on disk; left untouched`)
      }
      throw error
    }
    await this.removeTemp(tempPath)
    return target
  }

  /** Best effort: a temp file that cannot be removed now goes at the next run's start. */
  async removeTemp(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true, maxRetries: 3 }).catch(() => undefined)
  }

  /** The record of earlier runs made with the same name template (empty when none or unreadable). */
  async loadRecord(filename: string): Promise<Map<string, RecordEntry>> {
    let parsed: RecordFile
    try {
      parsed = JSON.parse(await readFile(path.join(this.dir, RECORD_FILE), 'utf8')) as RecordFile
    } catch {
      return new Map()
    }
    if (parsed?.version !== 2 || parsed.filename !== filename || typeof parsed.files !== 'object') {
      return new Map()
    }
    // The file may come from a restored cache: only entries naming a safe path inside count.
    return new Map(
      Object.entries(parsed.files).filter(
        ([, e]) =>
          isSafeRelPath(e?.path) && Number.isSafeInteger(e.bytes) && typeof e.sha256 === 'string'
      )
    )
  }

  /** Writes the record atomically (temp file, then rename). */
  async saveRecord(filename: string, files: Map<string, RecordEntry>): Promise<void> {
    const record: RecordFile = { version: 2, filename, files: Object.fromEntries(files) }
    const temp = path.join(this.dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}.json`)
    try {
      await writeFile(temp, JSON.stringify(record, null, 1), { flag: 'wx' })
      await rename(temp, path.join(this.dir, RECORD_FILE))
    } catch (error) {
      await this.removeTemp(temp)
      throw error
    }
  }

  private inside(realPath: string): boolean {
    return realPath === this.real || realPath.startsWith(this.real + path.sep)
  }

  private outside(relPath: string): TransferError {
    return new TransferError(
      `refused to write ${relPath}: its folder leads outside the destination`
    )
  }

  private async removeStaleTemps(): Promise<void> {
    const now = Date.now()
    for (const name of await readdir(this.dir)) {
      if (!name.startsWith(TEMP_PREFIX)) continue
      const full = path.join(this.dir, name)
      const stats = await lstat(full).catch(() => undefined)
      if (stats?.isFile() && now - stats.mtimeMs > STALE_TEMP_MS) await this.removeTemp(full)
    }
  }
}

/** A record entry for a file just written or kept. */
export function recordEntry(
  url: string,
  relPath: string,
  facts: Omit<RecordEntry, 'url' | 'path'>
): RecordEntry {
  return { url: redactUrl(url), path: relPath, ...facts }
}
