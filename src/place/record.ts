// The record of earlier runs (.kie-download.json): a cache of names, hashes and tasks that can never hurt a run.
import { createHash, randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { lstat, open, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { RECORD_FILE, TEMP_PREFIX } from '../constants.js'
import { errorMessage } from '../errors.js'
import { redactUrl } from '../util/safe-text.js'
import { sanitizeSegment } from '../util/names.js'

/** A bigger record is set aside unread: parsing 119 MB cost 6.6 s and 760 MiB (about 15,000 files fit). */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024

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

/** A recorded file that is on disk now. */
export interface RecordedFile extends RecordEntry {
  /** Same size and mtime (to the second, as archives keep it) as recorded: its sha256 stands. */
  unchanged: boolean
}

/** A task whose every result file is recorded and on disk: `if-exists: skip` needs no API call for it. */
export interface RecordedTask {
  /** The family the task was fetched as (a `task-type` value). */
  type: string
  /** Its files in result order ({n}): the main results, then (asked with `all`) the extras. */
  files: RecordedFile[]
  /** How many of `files` are main results. */
  main: number
}

/** Called with a sentence for the log when the record on disk had to be set aside or could not be used. */
export type OnWarning = (message: string) => void

/** The record's key for a URL: a hash, so no query string of an input URL is written to disk. */
export function recordKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32)
}

interface StoredTask {
  type: string
  keys: string[]
  /** How many of `keys` are main results (the rest are the extras of `results: all`). */
  main: number
  /** The `results` setting the task was fetched with: `main` records no extras. */
  results: 'main' | 'all'
}

/** What a record file holds, once every field has been checked. */
interface Contents {
  files: Map<string, RecordEntry>
  tasks: Map<string, StoredTask>
}

const KEY = /^[0-9a-f]{32}$/
const SHA256 = /^[0-9a-f]{64}$/
const MAX_TASK_ID = 200
const MAX_TEXT = 2000

/**
 * The record for one destination and name template. Load and save it while holding the
 * destination's lock (lock.ts): save() merges with what is on disk then, so nothing is lost even
 * if another writer slipped in.
 */
export class DownloadRecord {
  private readonly files: Map<string, RecordedFile>
  private readonly tasks: Map<string, StoredTask>
  /** Keys and task IDs this run set: on save, they win over what is on disk. */
  private readonly touchedFiles = new Set<string>()
  private readonly touchedTasks = new Set<string>()
  /** Entries forgotten, key to recorded path: their file was gone at load, or another URL's file took its path. */
  private readonly gone = new Map<string, string>()
  /** A bad record we could not move: said once, not again at save. */
  private stuck = false
  /** Which key each recorded path belongs to: a path holds one file. */
  private readonly byPath = new Map<string, string>()

  private readonly dir: string
  private readonly filename: string
  private readonly onWarning: OnWarning

  private constructor(
    dir: string,
    filename: string,
    onWarning: OnWarning,
    files: Map<string, RecordedFile>,
    tasks: Map<string, StoredTask>
  ) {
    this.dir = dir
    this.filename = filename
    this.onWarning = onWarning
    this.files = files
    this.tasks = tasks
    for (const [key, entry] of files) this.byPath.set(entry.path, key)
  }

  /**
   * The record in `dir` made with the name template `filename`. Anything wrong with it (not a
   * regular file, over 4 MiB, not JSON, wrong shapes) is set aside with a warning, and the run
   * starts afresh; entries with a bad field are dropped; entries whose file is gone are dropped.
   */
  static async load(dir: string, filename: string, onWarning: OnWarning): Promise<DownloadRecord> {
    const { contents, aside } = await readContents(dir, filename, onWarning)
    const files = new Map<string, RecordedFile>()
    const gone = new Map<string, string>()
    await Promise.all(
      [...(contents?.files ?? [])].map(async ([key, entry]) => {
        const stats = await lstat(path.join(dir, ...entry.path.split('/'))).catch(() => undefined)
        if (!stats?.isFile()) {
          gone.set(key, entry.path)
          return
        }
        const unchanged = stats.size === entry.bytes && sameSecond(stats.mtimeMs, entry.mtimeMs)
        files.set(key, { ...entry, unchanged })
      })
    )
    const tasks = new Map(
      [...(contents?.tasks ?? [])].filter(([, task]) => task.keys.every(k => files.has(k)))
    )
    const record = new DownloadRecord(dir, filename, onWarning, files, tasks)
    for (const [key, p] of gone) record.gone.set(key, p)
    record.stuck = aside === 'stuck'
    return record
  }

  /** What the record knows of a URL whose file is on disk. */
  file(url: string): RecordedFile | undefined {
    return this.files.get(recordKey(url))
  }

  /** Whether an earlier run recorded `relPath` as the file of another URL than `url`. */
  heldByOther(relPath: string, url: string): boolean {
    const key = this.byPath.get(relPath)
    return key !== undefined && key !== recordKey(url) && this.files.has(key)
  }

  /** Every recorded file on disk (their names are taken for this run under `if-exists: skip`). */
  allFiles(): RecordedFile[] {
    return [...this.files.values()]
  }

  /**
   * A task whose files are all recorded and on disk, fetched with a `results` setting that covers
   * `results` (a task recorded with `main` knows nothing of its extras), or undefined. With
   * `main`, only its main files.
   */
  task(taskId: string, results: 'main' | 'all' = 'main'): RecordedTask | undefined {
    const task = this.tasks.get(taskId)
    if (!task || (results === 'all' && task.results !== 'all')) return undefined
    const keys = results === 'all' ? task.keys : task.keys.slice(0, task.main)
    const files = keys.map(k => this.files.get(k))
    if (files.some(f => f === undefined)) return undefined
    return { type: task.type, files: files as RecordedFile[], main: task.main }
  }

  /**
   * Records a file placed or kept by this run. A path holds one file: any other URL recorded at
   * the same path (its file was overwritten) is forgotten, so it is never vouched for again.
   */
  setFile(url: string, facts: Omit<RecordEntry, 'url'>): void {
    const key = recordKey(url)
    const other = this.byPath.get(facts.path)
    if (other !== undefined && other !== key) {
      this.files.delete(other)
      this.gone.set(other, facts.path)
    }
    const before = this.files.get(key)
    if (before && before.path !== facts.path) this.byPath.delete(before.path)
    this.byPath.set(facts.path, key)
    this.files.set(key, { url: redactUrl(url), ...facts, unchanged: true })
    this.touchedFiles.add(key)
    this.gone.delete(key)
  }

  /**
   * Records that a task's results are these files (in result order, the first `main` of them its
   * main results), all placed or kept by this run (setFile). A task without files is not recorded:
   * a re-run must look it up again.
   */
  setTask(
    taskId: string,
    type: string,
    urls: string[],
    main: number = urls.length,
    results: 'main' | 'all' = 'main'
  ): void {
    if (urls.length === 0) return
    this.tasks.set(taskId, { type, keys: urls.map(recordKey), main, results })
    this.touchedTasks.add(taskId)
  }

  /**
   * Writes the record when this run has something to add, merged with what is on disk now (this
   * run's entries win for the keys it set), through a temp file and a rename. True when written.
   * Throws when the write fails: the files are fine, only the next run's shortcut is lost.
   */
  async save(): Promise<boolean> {
    if (this.touchedFiles.size === 0 && this.touchedTasks.size === 0) return false
    // A bad record already said to be stuck is not spoken of again, nor anything else this read finds.
    const quiet: OnWarning = this.stuck ? () => undefined : this.onWarning
    const { contents: disk, aside } = await readContents(this.dir, this.filename, quiet)
    if (aside) this.stuck = aside === 'stuck'
    const merged = this.merge(disk)
    const text = recordText(this.filename, merged)
    if (Buffer.byteLength(text) > MAX_RECORD_BYTES) {
      this.onWarning(
        `${RECORD_FILE} in ${this.dir} would hold ${merged.files.size} files, more than ${MAX_RECORD_BYTES / 1024 / 1024} MiB: not written. ` +
          'A later `if-exists: skip` run hashes the files it finds instead.'
      )
      return false
    }
    await writeAtomically(this.dir, text)
    this.touchedFiles.clear()
    this.touchedTasks.clear()
    return true
  }

  /** The record to save: what is on disk now (else what was loaded), this run's entries winning for the keys it set. */
  private merge(disk: Contents | undefined): Contents {
    const files = this.mergeFiles(disk)
    const tasks = new Map(disk?.tasks ?? this.tasks)
    for (const id of this.touchedTasks) {
      const task = this.tasks.get(id)
      if (task) tasks.set(id, task)
    }
    for (const [id, task] of tasks) if (!task.keys.every(k => files.has(k))) tasks.delete(id)
    return { files, tasks }
  }

  private mergeFiles(disk: Contents | undefined): Map<string, RecordEntry> {
    const files = new Map<string, RecordEntry>()
    // A path this run wrote holds this run's file: another writer's entry for it is stale.
    const written = new Map<string, string>()
    for (const key of this.touchedFiles) {
      const entry = this.files.get(key)
      if (entry) written.set(entry.path, key)
    }
    if (disk) {
      for (const [key, entry] of disk.files) {
        const owner = written.get(entry.path)
        if (this.gone.get(key) !== entry.path && (owner === undefined || owner === key)) {
          files.set(key, entry)
        }
      }
    } else {
      for (const [key, entry] of this.files) files.set(key, withoutState(entry))
    }
    for (const key of this.touchedFiles) {
      const entry = this.files.get(key)
      if (entry) files.set(key, withoutState(entry))
    }
    return files
  }
}

/** The record file's text: version 2, its name template, files by key, tasks with their keys. */
function recordText(filename: string, { files, tasks }: Contents): string {
  return JSON.stringify({
    version: 2,
    filename,
    files: Object.fromEntries(files),
    tasks: Object.fromEntries(
      [...tasks].map(([id, t]) => [
        id,
        { type: t.type, files: t.keys, main: t.main, results: t.results }
      ])
    )
  })
}

/** Writes the record through a temp file and a rename: a reader sees the old record or the new one. */
async function writeAtomically(dir: string, text: string): Promise<void> {
  const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}.json`)
  try {
    await writeFile(temp, text, { flag: 'wx' })
    await rename(temp, path.join(dir, RECORD_FILE))
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw error
  }
}

function withoutState(file: RecordedFile | RecordEntry): RecordEntry {
  const { url, path: relPath, bytes, sha256, contentType, mtimeMs } = file
  return { url, path: relPath, bytes, sha256, contentType, mtimeMs }
}

/** Why a record is set aside unread: it is not a regular file, or it is too big to parse. */
const NOT_A_FILE = 'is not a regular file (a folder, a link or a special file)'
const TOO_LARGE = `is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`

/** What reading a record gave, and whether a bad one was set aside (or stuck where it is). */
interface Reading {
  contents?: Contents
  aside?: SetAside
}

/** A bad record renamed out of the way, or one that could not be (said once: see DownloadRecord.stuck). */
type SetAside = 'moved' | 'stuck'

/** The record file as read: none, unreadable (left alone), bad (to be set aside), or its text. */
type RecordFile =
  | { kind: 'none' }
  | { kind: 'unreadable'; code: string }
  | { kind: 'bad'; why: string }
  | { kind: 'text'; text: string }

/** A record's text, parsed: its checked contents, another version's or template's, or bad. */
type ParsedRecord =
  | { kind: 'contents'; contents: Contents; dropped: number }
  | { kind: 'foreign' }
  | { kind: 'bad'; why: string }

/** What readSmallFile found: the text, or a file that changed under it or grew past the limit. */
type SmallFile = { kind: 'text'; text: string } | { kind: 'swapped' } | { kind: 'large' }

/**
 * The record's checked contents; none when there is no record, it was set aside, or it was made
 * by another version or name template (then it is simply overwritten by the next save).
 */
async function readContents(dir: string, filename: string, onWarning: OnWarning): Promise<Reading> {
  const file = await readRecordFile(path.join(dir, RECORD_FILE))
  if (file.kind === 'none') return {}
  if (file.kind === 'unreadable') {
    onWarning(`Could not read ${RECORD_FILE} in ${dir} (${file.code}): starting a fresh one.`)
    return {}
  }
  const parsed = file.kind === 'bad' ? file : parseRecord(file.text, filename)
  if (parsed.kind === 'bad') return { aside: await setAside(dir, parsed.why, onWarning) }
  if (parsed.kind === 'foreign') return {}
  const { dropped } = parsed
  if (dropped > 0) {
    onWarning(
      `${RECORD_FILE} in ${dir}: ignored ${dropped} damaged entr${dropped === 1 ? 'y' : 'ies'}.`
    )
  }
  return { contents: parsed.contents }
}

/** The record file's text, unless it is missing, unreadable, or not a file small enough to parse. */
async function readRecordFile(recordPath: string): Promise<RecordFile> {
  let stats: Stats
  try {
    stats = await lstat(recordPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' }
    return { kind: 'unreadable', code: errorCode(error) }
  }
  // Never opened unless it is a regular file: a FIFO would block the run, a device never end.
  if (!stats.isFile()) return { kind: 'bad', why: NOT_A_FILE }
  if (stats.size > MAX_RECORD_BYTES) return { kind: 'bad', why: TOO_LARGE }
  try {
    const read = await readSmallFile(recordPath, stats)
    if (read.kind === 'swapped') return { kind: 'bad', why: NOT_A_FILE }
    if (read.kind === 'large') return { kind: 'bad', why: TOO_LARGE }
    return read
  } catch (error) {
    return { kind: 'unreadable', code: errorCode(error) }
  }
}

/** Renames a bad record out of the way, saying so; one that cannot be moved is left where it is. */
async function setAside(dir: string, why: string, onWarning: OnWarning): Promise<SetAside> {
  const aside = `${RECORD_FILE}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`
  try {
    await rename(path.join(dir, RECORD_FILE), path.join(dir, aside))
    onWarning(`${RECORD_FILE} in ${dir} ${why}: set it aside as ${aside} and started a fresh one.`)
    return 'moved'
  } catch (error) {
    onWarning(
      `${RECORD_FILE} in ${dir} ${why}, and could not be set aside (${errorCode(error)}): left it where it is and started a fresh one.`
    )
    return 'stuck'
  }
}

/** Checks a record's text: only a version 2 record of this name template is read. */
function parseRecord(text: string, filename: string): ParsedRecord {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { kind: 'bad', why: 'is not valid JSON' }
  }
  if (!isPlainObject(parsed) || typeof parsed.version !== 'number') {
    return { kind: 'bad', why: 'is not a record this action wrote' }
  }
  // Another version's or another template's record is not damaged, only not ours to read.
  if (parsed.version !== 2 || parsed.filename !== filename) return { kind: 'foreign' }
  if (!isPlainObject(parsed.files)) return { kind: 'bad', why: 'has no valid `files` table' }
  return { kind: 'contents', ...checkTables(parsed.files, parsed.tasks) }
}

/** The entries and tasks whose every field checks out, and how many others were dropped. */
function checkTables(
  rawFiles: { [key: string]: unknown },
  rawTasks: unknown
): { contents: Contents; dropped: number } {
  const files = new Map<string, RecordEntry>()
  let dropped = 0
  for (const [key, value] of Object.entries(rawFiles)) {
    const entry = KEY.test(key) ? checkEntry(value) : undefined
    if (entry) files.set(key, entry)
    else dropped++
  }
  const tasks = new Map<string, StoredTask>()
  for (const [id, value] of Object.entries(isPlainObject(rawTasks) ? rawTasks : {})) {
    const task = id.length <= MAX_TASK_ID ? checkTask(value) : undefined
    if (task) tasks.set(id, task)
    else dropped++
  }
  return { contents: { files, tasks }, dropped }
}

/**
 * Reads a file lstat() called regular, without following a link or blocking on a FIFO swapped in
 * meanwhile, and never more than the limit.
 */
async function readSmallFile(file: string, seen: Stats): Promise<SmallFile> {
  // O_NOFOLLOW and O_NONBLOCK do not exist on Windows, where neither a FIFO nor a link can be swapped in this way.
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
  const handle = await open(file, flags)
  try {
    const stats = await handle.stat()
    if (!stats.isFile() || stats.ino !== seen.ino) return { kind: 'swapped' }
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_RECORD_BYTES) + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > MAX_RECORD_BYTES) return { kind: 'large' }
    return { kind: 'text', text: buffer.toString('utf8', 0, length) }
  } finally {
    await handle.close()
  }
}

/** One entry with every field checked: the essential ones must be right, the others fall back. */
function checkEntry(value: unknown): RecordEntry | undefined {
  if (!isPlainObject(value)) return undefined
  const { url, path: relPath, bytes, sha256, contentType, mtimeMs } = value
  if (!isSafeRelPath(relPath)) return undefined
  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) return undefined
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) return undefined
  return {
    url: typeof url === 'string' ? url.slice(0, MAX_TEXT) : '',
    path: relPath,
    bytes: bytes as number,
    sha256,
    contentType: typeof contentType === 'string' && contentType.length <= 200 ? contentType : null,
    mtimeMs: typeof mtimeMs === 'number' && Number.isFinite(mtimeMs) && mtimeMs >= 0 ? mtimeMs : 0
  }
}

function checkTask(value: unknown): StoredTask | undefined {
  if (!isPlainObject(value)) return undefined
  const { type, files, main, results } = value
  if (typeof type !== 'string' || type === '' || type.length > 64) return undefined
  if (!Array.isArray(files) || files.length === 0) return undefined
  if (!files.every(k => typeof k === 'string' && KEY.test(k))) return undefined
  const mainCount =
    Number.isSafeInteger(main) && (main as number) >= 1 && (main as number) <= files.length
      ? (main as number)
      : files.length
  return {
    type,
    keys: files as string[],
    main: mainCount,
    results: results === 'all' ? 'all' : 'main'
  }
}

/** A relative path this action could have made: every segment already a safe name. */
function isSafeRelPath(relPath: unknown): relPath is string {
  return (
    typeof relPath === 'string' &&
    relPath.length <= 4096 &&
    relPath.split('/').every(segment => segment !== '' && sanitizeSegment(segment) === segment)
  )
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Archives (e.g. actions/cache's tar) may keep time stamps to the second only. */
function sameSecond(a: number, b: number): boolean {
  return Math.trunc(a / 1000) === Math.trunc(b / 1000)
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? errorMessage(error)
}
