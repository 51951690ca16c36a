// One run at a time per destination: a lock file that a second run waits for and a killed run cannot leave stuck.
import { constants } from 'node:fs'
import { open, lstat, mkdir, unlink, type FileHandle } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'
import { CancelledError } from '../errors.js'
import { type Clock, realClock } from '../util/clock.js'
import { oneLine } from '../util/safe-text.js'

/** The lock's name in the destination: never a sanitised name (leading dot), never a temp file's prefix. */
export const LOCK_FILE = '.kie-download.lock'

/**
 * A holder refreshes its lock's mtime every third of this, so a lock untouched for this long
 * belongs to a run that is gone (killed, or its machine lost).
 */
const STALE_MS = 30_000
/** How often a waiting run looks again. */
const POLL_MS = 250
/** The most of a lock file read: a holder is a line of JSON, whatever the file's size. */
const MAX_HOLDER_BYTES = 4096

export interface LockOptions {
  /** How long to wait for another run before giving up (the `timeout` input). */
  timeoutMs: number
  /** Called once when another run holds the lock, before waiting for it. */
  onWait?: (message: string) => void
  /** Aborts the wait (SIGINT/SIGTERM): rejects with CancelledError. */
  signal?: AbortSignal
  /** For tests: a lock untouched this long is stale (the heartbeat runs at a third of it). */
  staleMs?: number
  /** For tests: how often a waiting run looks again. */
  pollMs?: number
  /** For tests: the time a waiting run reads, sleeps on and writes as its heartbeat (default: the real clock). */
  clock?: Clock
  /** For tests: starts the holder's heartbeat (default: an unref'd interval; see Heartbeat). */
  startHeartbeat?: Heartbeat
}

/**
 * Calls `beat` every `everyMs` until the returned stop is called. The real one never keeps the
 * process alive: a run that ends, however it ends, is not held up by its own lock.
 */
export type Heartbeat = (beat: () => Promise<void>, everyMs: number) => () => void

const intervalHeartbeat: Heartbeat = (beat, everyMs) => {
  const timer = setInterval(() => void beat(), everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

/** Releases the lock; leaves nothing behind. Safe to call more than once. */
export type ReleaseLock = () => Promise<void>

/** Another run kept the destination for longer than `timeout`. */
export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LockTimeoutError'
  }
}

/** A folder or a special file stands where the lock goes: not ours to remove, nor to wait for. */
export class NotALockFileError extends Error {
  constructor(lockPath: string) {
    super(
      `${lockPath} is not a lock file this action made (it is a folder or a special file); remove it and run again.`
    )
    this.name = 'NotALockFileError'
  }
}

/** What a lock file says about its holder. */
interface Holder {
  pid: number | null
  host: string | null
  since: string | null
}

/**
 * Takes the destination's lock, waiting for another run that holds it (one onWait line), for at
 * most `timeoutMs`. A lock is created exclusively (`wx`, atomic on every OS and file system we
 * meet); a stale one (no heartbeat for `staleMs`, or its process gone from this machine) is removed.
 * A heartbeat dated ahead of this machine's clock (another host's clock, or a planted file) cannot
 * be aged: it counts as stale once it has stood still for the whole `timeoutMs`, where a live
 * holder would have moved it.
 */
export async function acquireLock(dir: string, options: LockOptions): Promise<ReleaseLock> {
  const lockPath = path.join(dir, LOCK_FILE)
  const staleMs = options.staleMs ?? STALE_MS
  const pollMs = options.pollMs ?? POLL_MS
  const clock = options.clock ?? realClock
  const deadline = clock.now() + options.timeoutMs
  let told = false
  /** The lock as the first look found it: the same one, still ahead, at the deadline is dead. */
  let first: { ino: number; mtimeMs: number } | undefined
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError()
    const handle = await tryCreate(lockPath, dir)
    if (handle) {
      return hold(handle, lockPath, { clock, staleMs, start: options.startHeartbeat })
    }
    const seen = await lstat(lockPath).catch(() => undefined)
    if (!seen) continue // released between our two looks
    if (!seen.isFile()) throw new NotALockFileError(lockPath)
    first ??= { ino: seen.ino, mtimeMs: seen.mtimeMs }
    const holder = await readHolder(lockPath)
    const stale = isStale(seen.mtimeMs, holder, staleMs, clock.now())
    if (stale && (await removeStale(lockPath, seen.ino))) continue
    if (!told) {
      told = true
      options.onWait?.(
        `Waiting for another run that is writing to ${dir} (${describe(holder)}), for up to ${seconds(options.timeoutMs)}.`
      )
    }
    const left = deadline - clock.now()
    if (left <= 0) {
      const stillAhead =
        seen.ino === first.ino && seen.mtimeMs === first.mtimeMs && seen.mtimeMs > clock.now()
      if (stillAhead && (await removeStale(lockPath, seen.ino))) continue
      throw new LockTimeoutError(
        `Gave up after ${seconds(options.timeoutMs)}: another run is still writing to ${dir} (${describe(holder)}). ` +
          `Let it finish, give each job its own \`path\`, or raise \`timeout\`; if no such run is alive, delete ${lockPath}.`
      )
    }
    await clock.sleep(Math.min(pollMs, left), options.signal)
  }
}

/** The new lock's handle, or undefined when another run holds it. */
async function tryCreate(lockPath: string, dir: string): Promise<FileHandle | undefined> {
  try {
    return await open(lockPath, 'wx', 0o644)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return undefined
    // The folder went away (a run that placed nothing removes the folder it made): make it again.
    if (code === 'ENOENT') {
      await mkdir(dir, { recursive: true })
      return tryCreate(lockPath, dir)
    }
    throw error
  }
}

/** Writes who holds the lock and keeps its mtime fresh until released. */
async function hold(
  handle: FileHandle,
  lockPath: string,
  heartbeat: { clock: Clock; staleMs: number; start: Heartbeat | undefined }
): Promise<ReleaseLock> {
  const { clock, staleMs } = heartbeat
  const since = new Date(clock.now()).toISOString()
  const holder: Holder = { pid: process.pid, host: hostname(), since }
  try {
    await handle.writeFile(JSON.stringify(holder))
  } catch (error) {
    // A full disk: an empty lock left behind would make the next run wait for nobody.
    await handle.close().catch(() => undefined)
    await unlink(lockPath).catch(() => undefined)
    throw error
  }
  const { ino } = await handle.stat()
  // Through our own handle: a heartbeat can never freshen a lock another run has made since.
  const beat = async (): Promise<void> => {
    const now = new Date(clock.now())
    await handle.utimes(now, now).catch(() => undefined)
  }
  const stop = (heartbeat.start ?? intervalHeartbeat)(beat, Math.max(Math.floor(staleMs / 3), 1))
  let released = false
  return async () => {
    if (released) return
    released = true
    stop()
    await handle.close().catch(() => undefined)
    // Only our own lock: if it was judged stale and taken over, the new one is not ours to remove.
    const now = await lstat(lockPath).catch(() => undefined)
    if (now && now.ino === ino) await unlink(lockPath).catch(() => undefined)
  }
}

async function readHolder(lockPath: string): Promise<Holder> {
  try {
    // A lock just created may still be empty; JSON.parse of a cut text fails into "unknown holder".
    const parsed: unknown = JSON.parse(await readHead(lockPath))
    const o = (parsed ?? {}) as Record<string, unknown>
    return {
      pid: Number.isSafeInteger(o.pid) && (o.pid as number) > 0 ? (o.pid as number) : null,
      // Whatever wrote the file, its text reaches a log line only flattened and capped.
      host: typeof o.host === 'string' ? oneLine(o.host, 100) : null,
      since: typeof o.since === 'string' ? oneLine(o.since, 40) : null
    }
  } catch {
    return { pid: null, host: null, since: null }
  }
}

/**
 * The first MAX_HOLDER_BYTES of the lock file: it was a regular file a moment ago, but a symlink or
 * a FIFO swapped in since is not followed nor waited on, and a huge (sparse) file costs 4 KiB.
 */
async function readHead(lockPath: string): Promise<string> {
  // Windows has neither flag (nor FIFOs or symlinks swapped in this way).
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
  const handle = await open(lockPath, flags)
  try {
    const buffer = Buffer.alloc(MAX_HOLDER_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.toString('utf8', 0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** No heartbeat for `staleMs` by `now`, or held by a process of this machine that no longer exists. */
function isStale(mtimeMs: number, holder: Holder, staleMs: number, now: number): boolean {
  if (now - mtimeMs > staleMs) return true
  return holder.host === hostname() && holder.pid !== null && !processAlive(holder.pid)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, it is only someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes the stale lock we looked at, unless it was replaced meanwhile (another waiter removed it
 * and took a fresh one). True when the way is free.
 */
async function removeStale(lockPath: string, ino: number): Promise<boolean> {
  const now = await lstat(lockPath).catch(() => undefined)
  if (!now) return true
  if (now.ino !== ino) return false
  try {
    await unlink(lockPath)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

function describe(holder: Holder): string {
  const who = holder.pid !== null ? `process ${holder.pid}` : 'a process'
  const where = holder.host ? ` on ${holder.host}` : ''
  const since = holder.since ? `, since ${holder.since}` : ''
  return `${who}${where}${since}`
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}
