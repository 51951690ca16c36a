// A small file of announced length: read whole into memory, hashed, then written to its temp file at once.
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { CancelledError, TransferError } from '../errors.js'
import { streamed } from '../util/memory.js'
import { Watchdog } from '../util/http.js'

/**
 * An identity body of known length up to this size is read into memory, then written to a new
 * temp file at once (TempFiles.writeTemp, done by the destination): the file is created in the thread pool, the write,
 * fstat and close are synchronous (microseconds for a few KiB). That is two trips to the thread
 * pool and back fewer per file than streaming it: 10,000 x 2 KiB went from 1.48 to 1.18-1.24 x
 * the minimal client (`npm run bench -- --scenario many`). Creating and renaming stay asynchronous:
 * they take the folder's lock, and done synchronously they block the main thread behind other
 * files' renames (measured: slower than before).
 */
export const SMALL_BODY_BYTES = 64 * 1024

/** Whether a body this size, with these codings, takes the small path. */
export function isSmall(size: number | null, encoded: boolean): size is number {
  return !encoded && size !== null && size <= SMALL_BODY_BYTES
}

/**
 * The whole body, checked against its announced `size`: more bytes, a body cut short (node ends
 * a body quietly when the peer closes cleanly too early) and a stall are all retryable failures.
 */
export async function readSmallBody(
  message: IncomingMessage,
  size: number,
  timeoutMs: number,
  signal: AbortSignal
): Promise<{ body: Buffer; sha256: string }> {
  // A listener added to a signal already aborted never fires.
  if (signal.aborted) throw new CancelledError()
  const watchdog = new Watchdog(timeoutMs, reason =>
    message.destroy(new TransferError(`download stalled: ${reason}`, { retryable: true }))
  )
  // The answer was requested before this read began: a cancel must end it here too.
  const end = (): void => void message.destroy()
  signal.addEventListener('abort', end, { once: true })
  const chunks: Buffer[] = []
  let got = 0
  try {
    for await (const chunk of message as AsyncIterable<Buffer>) {
      watchdog.touch(chunk.length)
      got += chunk.length
      if (got > size) {
        throw new TransferError('file host sent more bytes than it announced', { retryable: true })
      }
      chunks.push(chunk)
    }
  } finally {
    watchdog.stop()
    signal.removeEventListener('abort', end)
  }
  if (!message.complete || got !== size) {
    throw new TransferError(`download cut short: got ${got} of ${size} bytes`, { retryable: true })
  }
  streamed(got)
  const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, got)
  return { body, sha256: createHash('sha256').update(body).digest('hex') }
}
