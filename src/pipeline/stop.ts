// The run's stop: why nothing more starts (a bad key, no credits, a full disk, a cancel), raised once, checked before any work starts.
import { CancelledError, TransferError } from '../errors.js'
import type { StoppedBy } from '../results.js'

/**
 * Thrown where work would start after the run stopped. It stops all, so every layer passes it on
 * as it is: the retry policy does not retry it, the task watcher does not take it for a failed
 * lookup. Its message is never shown: the entry's `stoppedBy` says what happened.
 */
export class StoppedError extends TransferError {
  constructor() {
    super('not started', { stopAll: true })
    this.name = 'StoppedError'
  }
}

/**
 * The one stop of a run. Raised by an answer every other entry would meet too (401, 402, 433, a
 * full disk) or by the runner's cancel; said once (the first reason stands); checked before every
 * API call and download; and read back as `stoppedBy` for the entries it kept from ending.
 */
export class RunStop {
  /** Aborted once the run stops or is cancelled: wakes what sleeps between tries (a task between looks). */
  readonly signal: AbortSignal
  readonly #cancel: AbortSignal
  readonly #wake = new AbortController()
  readonly #onStop: (reason: string) => void
  #reason: string | null = null

  /** `cancel` is the runner's SIGINT/SIGTERM; `onStop` says the reason, once. */
  constructor(cancel: AbortSignal, onStop: (reason: string) => void) {
    this.#cancel = cancel
    this.#onStop = onStop
    this.signal = AbortSignal.any([cancel, this.#wake.signal])
  }

  /** Why nothing more starts: the answer that stopped the run, or the cancel; null while it runs on. */
  get reason(): string | null {
    return this.#reason ?? (this.#cancel.aborted ? cancelReason(this.#cancel) : null)
  }

  /** Stops the run for every entry not under way yet, said once. */
  raise(reason: string): void {
    if (this.#reason !== null) return
    this.#reason = reason
    this.#onStop(reason)
    this.#wake.abort()
  }

  /**
   * Raises the stop when `error` is one every other entry would meet too, then throws it on. Said
   * the moment the answer arrives, before the governor hands the freed slot to the next queued
   * call (or the transfer slot to the next download): that call then sees the stop and is never
   * sent. Bound, for `.catch(stop.escalate)`.
   */
  readonly escalate = (error: unknown): never => {
    this.raiseFor(error)
    throw error
  }

  /** Raises the stop when `error` stops all (a 401, 402 or 433 answer, a full disk). */
  raiseFor(error: unknown): void {
    if (error instanceof TransferError && error.stopAll && !(error instanceof StoppedError)) {
      this.raise(error.message)
    }
  }

  /** Throws StoppedError once the run has stopped or is cancelled: nothing new may start. */
  check(): void {
    if (this.#reason !== null || this.#cancel.aborted) throw new StoppedError()
  }

  /** What the stop does to work that would start now: null while the run goes on. */
  now(): StoppedBy | null {
    if (this.#cancel.aborted) return 'cancelled'
    return this.#reason === null ? null : 'not-started'
  }

  /**
   * What `error`, which ended an entry, says of the stop: cancelled (the run was cancelled), not
   * started (the stop kept it from starting, or woke it from a sleep), or null: a failure of its own.
   */
  outcomeOf(error: unknown): StoppedBy | null {
    if (this.#cancel.aborted) return 'cancelled'
    if (error instanceof StoppedError) return 'not-started'
    if (error instanceof CancelledError) return this.#reason === null ? 'cancelled' : 'not-started'
    return null
  }

  /** From now on a cancel raises the stop (its line in the log, sleepers woken); returns what ends that. */
  arm(): () => void {
    const onCancel = (): void => this.raise(cancelReason(this.#cancel))
    this.#cancel.addEventListener('abort', onCancel, { once: true })
    if (this.#cancel.aborted) onCancel()
    return () => this.#cancel.removeEventListener('abort', onCancel)
  }
}

/** Why nothing more happens after a cancel, for the log's stop line and the step's error. */
function cancelReason(signal: AbortSignal): string {
  const by =
    signal.reason instanceof CancelledError && signal.reason.signal
      ? ` by ${signal.reason.signal}`
      : ''
  return `cancelled${by}; files that finished are kept`
}
