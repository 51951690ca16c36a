// Streams one signed URL into a temp file: checked answers and redirects, decoding, sha256 and byte count, cancellation, no half files.
import { setMaxListeners } from 'node:events'
import { fstatSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { FileHandle } from 'node:fs/promises'
import { CancelledError, TransferError } from '../errors.js'
import type { Progress } from '../results.js'
import type { Http } from '../util/http.js'
import { isSmall, readSmallBody } from './small.js'
import { Assembly, SPLIT_THRESHOLD_BYTES, type Spare } from './ranged.js'
import { type FileAnswer, follow } from './file-host.js'
import { type FileFacts, fileFacts } from './main-answer.js'
import { type Clock, realClock } from '../util/clock.js'
import { classify } from '../util/retry.js'

export type { Spare } from './ranged.js'

/** Progress lines for long downloads come this often, and only for them. */
export const PROGRESS_EVERY_MS = 5_000

/**
 * Where a download writes: new temp files in the destination (place/destination.ts makes them),
 * and the words for a full disk.
 */
export interface TempFiles {
  /** A new, exclusively created temp file, open for writing. */
  createTemp(): Promise<{ path: string; handle: FileHandle }>
  /** A new temp file holding `body`, closed; its mtime after the write. */
  writeTemp(body: Buffer): Promise<{ path: string; mtimeMs: number }>
  /** Best effort: never throws. */
  removeTemp(path: string): Promise<void>
  /** The run-stopping error for ENOSPC/EDQUOT, or null for any other error. */
  diskFull(error: unknown): TransferError | null
}

export interface Downloaded {
  tempPath: string
  /** Size of the file on disk (decoded). */
  bytes: number
  /** sha256 of the file on disk (decoded), hex. */
  sha256: string
  contentType: string | null
  /** Range parts that fetched part of the file beside the main stream (0: one stream). */
  parts?: number
  /** The temp file's mtime after the last write (placing it keeps it). */
  mtimeMs?: number
}

/** What the final answer's headers say, before its body has come. */
export interface ResponseInfo {
  contentType: string | null
  /** The file's size when known in advance (identity body with Content-Length), else null. */
  total: number | null
}

export interface DownloadOptions {
  timeoutMs: number
  /** Called about every 5 s while a long download runs. */
  onProgress?: (progress: Progress) => void
  /** Time for progress lines and the waits between a Range part's tries (default: the real clock). */
  clock?: Pick<Clock, 'now' | 'sleep'>
  /** Aborting it destroys the requests at once, removes the temp file and rejects with CancelledError. */
  signal?: AbortSignal
  /**
   * Called once, when the status line and headers of the final hop arrived and were found to be a
   * file: the caller can decide the file's name (extension from Content-Type) during the body.
   */
  onResponse?: (info: ResponseInfo) => void
  /**
   * Idle file slots the pipeline can lend: when this file is big and slots are idle, what is left
   * of it is split into Range requests over them (see ranged.ts).
   */
  spare?: Spare
  /** Least bytes left for a split (default SPLIT_THRESHOLD_BYTES). */
  splitThresholdBytes?: number
  /** Told when a Range part of this file failed: the caller's later attempts should not split it. */
  onPartFailed?: () => void
}

/**
 * Downloads `signedUrl` into a new temp file in `dest`. On any failure, cancellation included, the
 * temp file is gone before this rejects.
 */
export async function download(
  http: Http,
  signedUrl: string,
  dest: TempFiles,
  options: DownloadOptions
): Promise<Downloaded> {
  const outer = options.signal
  if (outer?.aborted) throw new CancelledError()
  // One controller per file: its requests listen to it, not to the run's signal (which would
  // otherwise collect a listener per request under way), and the assembly aborts it when one piece
  // fails for good. The run's signal gets one listener per file under way, hence no leak warning.
  const stop = new AbortController()
  const cancel = (): void => stop.abort()
  if (outer) {
    setMaxListeners(0, outer)
    outer.addEventListener('abort', cancel, { once: true })
  }
  const job: Job = { http, dest, options, stop, written: 0 }
  try {
    const answer = await follow(http, signedUrl, stop.signal)
    job.message = answer.message
    const facts = fileFacts(answer.message)
    options.onResponse?.({ contentType: facts.contentType, total: facts.size })
    if (isSmall(facts.size, facts.codings.length > 0)) {
      return await smallFile(job, answer.message, facts.size, facts.contentType)
    }
    return await assemble(job, answer, facts)
  } catch (error) {
    throw await failed(job, error)
  } finally {
    outer?.removeEventListener('abort', cancel)
  }
}

/** One file's download under way: what its steps share, and what a failure must clean up. */
interface Job {
  http: Http
  dest: TempFiles
  options: DownloadOptions
  /** The file's one abort controller (see download()). */
  stop: AbortController
  message?: IncomingMessage
  temp?: { path: string; handle: FileHandle }
  /** Bytes written so far. */
  written: number
}

/** A small body: read whole, then written to its temp file at once (small.ts). */
async function smallFile(
  job: Job,
  message: IncomingMessage,
  size: number,
  contentType: string | null
): Promise<Downloaded> {
  const { signal } = job.stop
  const { body, sha256 } = await readSmallBody(message, size, job.options.timeoutMs, signal)
  const written = await job.dest.writeTemp(body)
  // A cancel that came while the file was being created: it is not reported, so it goes.
  if (signal.aborted) {
    await job.dest.removeTemp(written.path)
    throw new CancelledError()
  }
  const { path: tempPath, mtimeMs } = written
  return { tempPath, mtimeMs, bytes: body.length, sha256, contentType, parts: 0 }
}

/** Any other body: streamed into a temp file, split into Range parts when worth it (ranged.ts). */
async function assemble(job: Job, answer: FileAnswer, facts: FileFacts): Promise<Downloaded> {
  const { options } = job
  const temp = (job.temp = await job.dest.createTemp())
  const clock = options.clock ?? realClock
  const assembly = new Assembly({
    ...facts,
    http: job.http,
    url: answer.url,
    what: answer.what,
    handle: temp.handle,
    tempPath: temp.path,
    timeoutMs: options.timeoutMs,
    stop: job.stop,
    spare: options.spare,
    splitThresholdBytes: options.splitThresholdBytes ?? SPLIT_THRESHOLD_BYTES,
    clock,
    onPartFailed: options.onPartFailed,
    onBytes: progress(clock.now, facts.size, options.onProgress, bytes => (job.written = bytes))
  })
  const { bytes, sha256, parts } = await assembly.run(answer.message)
  // The mtime for the record, from the handle: placing the file keeps it, so no lstat later.
  const { mtimeMs } = fstatSync(temp.handle.fd)
  await temp.handle.close()
  return { tempPath: temp.path, mtimeMs, bytes, sha256, contentType: facts.contentType, parts }
}

/** Told of the bytes written after every write: passes them on, and reports progress every PROGRESS_EVERY_MS. */
function progress(
  now: () => number,
  total: number | null,
  onProgress: DownloadOptions['onProgress'],
  onWritten: (bytes: number) => void
): (bytes: number) => void {
  const started = now()
  let lastReport = started
  return bytes => {
    onWritten(bytes)
    if (onProgress && now() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = now()
      onProgress({ bytes, total, elapsedMs: lastReport - started })
    }
  }
}

/** Cleans up after a failure and says what failed: no temp file is left behind. */
async function failed(job: Job, error: unknown): Promise<Error> {
  job.message?.destroy()
  if (job.temp) {
    await job.temp.handle.close().catch(() => undefined)
    await job.dest.removeTemp(job.temp.path)
  }
  if (job.options.signal?.aborted) return new CancelledError()
  if (error instanceof TransferError) return error
  const full = job.dest.diskFull(error)
  if (full) return full
  const classified = classify(error)
  return new TransferError(`download failed after ${job.written} bytes: ${classified.message}`, {
    retryable: classified.retryable
  })
}
