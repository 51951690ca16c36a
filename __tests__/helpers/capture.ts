// Small test helpers shared by several test files: stdout capture and awaiting an expected failure.
import { expect } from '@jest/globals'
import { TransferError } from '../../src/errors.js'

/** Captures what is written to stdout (where @actions/core prints) until `restore()`. */
export function captureStdout(): { writes: string[]; restore: () => void } {
  const writes: string[] = []
  const realWrite = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    writes.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  return { writes, restore: () => void (process.stdout.write = realWrite) }
}

/** Awaits a promise that must reject with a TransferError, and returns the error. */
export async function failure(promise: Promise<unknown>): Promise<TransferError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(TransferError)
  return error as TransferError
}
