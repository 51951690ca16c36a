// Reads `urls-file` as hostile input: a regular file inside the workspace, bounded, never a pipe or a device.
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats
} from 'node:fs'
import path from 'node:path'
import { Inputs } from '../constants.js'
import { InputError } from '../errors.js'
import { oneLine } from '../util/safe-text.js'

/** The largest `urls-file` read: about 400,000 signed URLs, far past any real list. */
export const MAX_URLS_FILE_BYTES = 64 * 1024 * 1024

const EXPECTED = 'the path of a regular file inside the workspace, relative to it'

/**
 * The text of `urls-file`. It must resolve, symlinks followed, to a regular file inside the
 * workspace of at most 64 MiB: a committed symlink to a secret elsewhere, a FIFO (which would hang
 * the read) or `/dev/zero` (which never ends) is refused before a byte is read. Errors quote the
 * path as given, never the file's content or where a symlink points.
 */
export function readUrlsFile(workspace: string, file: string): string {
  const refuse = (problem: string, expected = EXPECTED): InputError =>
    new InputError(Inputs.UrlsFile, `is "${oneLine(file, 200)}", which ${problem}`, expected)

  const root = realpathOrSelf(workspace)
  let real: string
  let checked: Stats
  try {
    real = realpathSync.native(path.resolve(workspace, file))
    if (!isInside(root, real)) throw refuse('leads outside the workspace')
    checked = statSync(real)
  } catch (error) {
    throw error instanceof InputError ? error : refuse(openProblem(error))
  }
  const kind = notRegular(checked)
  if (kind) throw refuse(kind)
  if (checked.size > MAX_URLS_FILE_BYTES) throw refuse('is larger than 64 MiB', tooBig())

  // The path was checked above; the handle is checked again, so a file swapped in between cannot
  // hang the read (O_NONBLOCK: opening a FIFO returns at once) or lead anywhere else.
  let fd: number
  try {
    // Windows has neither flag (nor FIFOs or symlinks swapped under a path the same way).
    fd = openSync(
      real,
      constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0)
    )
  } catch (error) {
    throw refuse(openProblem(error))
  }
  try {
    const opened = fstatSync(fd)
    const openedKind = notRegular(opened)
    if (openedKind) throw refuse(openedKind)
    if (opened.dev !== checked.dev || opened.ino !== checked.ino) {
      throw refuse('was replaced while it was being opened', 'a file that stays put during the run')
    }
    return decode(readAll(fd, opened.size, refuse), refuse)
  } finally {
    closeSync(fd)
  }
}

/** Reads at most the size seen plus one byte: a file still growing is refused, not followed forever. */
function readAll(
  fd: number,
  size: number,
  refuse: (problem: string, expected?: string) => InputError
): Buffer {
  const buffer = Buffer.alloc(Math.min(size, MAX_URLS_FILE_BYTES) + 1)
  let filled = 0
  for (;;) {
    const n = readSync(fd, buffer, filled, buffer.length - filled, null)
    if (n === 0) break
    filled += n
    if (filled === buffer.length) {
      throw filled > MAX_URLS_FILE_BYTES
        ? refuse('is larger than 64 MiB', tooBig())
        : refuse('grew while it was being read', 'a file that is complete before the step starts')
    }
  }
  return buffer.subarray(0, filled)
}

function decode(bytes: Buffer, refuse: (problem: string, expected?: string) => InputError): string {
  try {
    // A leading byte order mark is dropped; anything that is not UTF-8 is not a list of URLs.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw refuse('is not UTF-8 text', 'a text file of URLs or a JSON array, in UTF-8')
  }
}

function tooBig(): string {
  return 'a file of at most 64 MiB (split a longer list across steps)'
}

/** Why a path cannot be used, from the error of realpath, stat or open. */
function openProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist'
  if (code === 'ELOOP') return 'is a symlink loop or was replaced by a symlink'
  return `cannot be read (${oneLine(String(code ?? 'unknown error'), 40)})`
}

/** What a file that is not a regular file is, said for people; null for a regular file. */
function notRegular(stats: Stats): string | null {
  if (stats.isFile()) return null
  if (stats.isDirectory()) return 'is a folder, not a file'
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a regular file'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file'
  if (stats.isSocket()) return 'is a socket, not a regular file'
  return 'is not a regular file'
}

function realpathOrSelf(dir: string): string {
  try {
    return realpathSync.native(dir)
  } catch {
    return path.resolve(dir)
  }
}

/** Whether a resolved path is the folder or below it (path.relative folds case on Windows). */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  )
}
