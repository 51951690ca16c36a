// Error kinds: what went wrong, said for people, and what the retry policy should do about it.

/** Bad input: fails the step before any request. */
export class InputError extends Error {
  constructor(input: string, problem: string, expected: string) {
    super(`Input '${input}' ${problem}: expected ${expected}.`)
    this.name = 'InputError'
  }
}

export interface TransferErrorOptions {
  /** Worth another attempt (network faults, timeouts, 408/429/5xx, kie.ai 429/455/500). */
  retryable?: boolean
  /** Wait asked for by the server (`Retry-After`), in ms. */
  retryAfterMs?: number
  /** The signed URL was refused or is too old: ask kie.ai for a fresh one before retrying. */
  refreshUrl?: boolean
  /**
   * The file host says the object is not there (403, 404, 410): if a fresh signed URL meets the
   * same, the file has expired on kie.ai and no retry can bring it back.
   */
  gone?: boolean
  /** Every other entry would fail the same way (401 bad key, 402 no credits, 433 sub-key limit): start no more. */
  stopAll?: boolean
  /** kie.ai said "rate limited" (body or HTTP 429): the API governor waits it out, not `retries`. */
  rateLimited?: boolean
}

/** A failed request or download. Its message never holds a URL query string. */
export class TransferError extends Error {
  readonly retryable: boolean
  readonly retryAfterMs?: number
  readonly refreshUrl: boolean
  readonly gone: boolean
  readonly stopAll: boolean
  readonly rateLimited: boolean

  constructor(message: string, options: TransferErrorOptions = {}) {
    super(message)
    this.name = 'TransferError'
    this.retryable = options.retryable ?? false
    this.retryAfterMs = options.retryAfterMs
    this.refreshUrl = options.refreshUrl ?? false
    this.gone = options.gone ?? false
    this.stopAll = options.stopAll ?? false
    this.rateLimited = options.rateLimited ?? false
  }
}

/**
 * A lookup's 404 "Task Not Found" or 422 "record is null": not there yet, or not in this family,
 * or too old.
 */
export class RecordMissingError extends TransferError {
  readonly recordMissing = true
  /** What kie.ai answered, for the final "not found" message: `404 "Task Not Found"`. */
  readonly answer: string

  constructor(message: string, answer = '422 "record is null"') {
    super(message)
    this.answer = answer
  }
}

/** True for a lookup's 404 or 422 "record is null" (the watcher tolerates it for a grace period). */
export function isRecordMissing(error: unknown): error is { recordMissing: true; answer?: string } {
  // By field, not class, so a wrapper that copies the error's fields keeps the verdict.
  return (error as { recordMissing?: unknown } | null)?.recordMissing === true
}

/** A lookup's 408 or 501 in kie.ai's envelope: the task has ended without a result, for good. */
export class TaskEndedError extends TransferError {
  readonly taskEnded = true
}

/** True for a lookup answer that ended its task (the watcher fails the task, it does not retry). */
export function isTaskEnded(error: unknown): error is Error {
  return (error as { taskEnded?: unknown } | null)?.taskEnded === true
}

/** The run was cancelled (SIGINT/SIGTERM): whatever was under way stops, nothing is retried. */
export class CancelledError extends Error {
  /** The signal that cancelled the run, when one did (SIGINT, SIGTERM). */
  readonly signal?: string

  constructor(signal?: string) {
    super('cancelled')
    this.name = 'CancelledError'
    this.signal = signal
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
