// One task's wait as plain bookkeeping: what its looks found, when to look next, and how the wait ends.
import type { FamilyName } from '../constants.js'
import type { TaskView } from './families.js'

/** kie.ai documents polling every 2-5 s at first, then 15-30 s. */
export const FIRST_INTERVAL_MS = 3_000
export const MAX_INTERVAL_MS = 30_000
export const INTERVAL_GROWTH = 1.5
/** Never two lookups of one task within this (4o and Suno allow 3 per second per task). */
export const MIN_SPACING_MS = 1_000

export interface WatchedTask {
  taskId: string
  type: FamilyName
}

export type TaskOutcome =
  | {
      state: 'success'
      main: string[]
      extras: string[]
      ms: number
      /** When kie.ai says the task was created (epoch ms), if it does: a dead link's message tells it. */
      createdAt?: number
    }
  | { state: 'failed' | 'timeout'; error: string; ms: number }

/** What one look at a task's details came to. */
export type Look =
  /** An answer, read the same way for every family. */
  | { kind: 'seen'; view: TaskView }
  /** kie.ai does not know the task (yet): `404 "Task Not Found"`, `422 "record is null"`. */
  | { kind: 'missing'; answer: string }
  /** kie.ai says the task is over without a result (its 408 or 501). */
  | { kind: 'ended'; error: string }
  /** The lookup failed in a way no second look mends. */
  | { kind: 'refused'; error: string }
  /** The lookup failed for now: the next look may get through, no sooner than `retryAfterMs`. */
  | { kind: 'error'; error: string; retryAfterMs: number }

/** What a look settles: the task's outcome, or another look (with a status no document names, seen first now). */
export type Verdict =
  { kind: 'done'; outcome: TaskOutcome } | { kind: 'going'; newUnknown?: string }

export interface TaskWaitOptions {
  /** When the wait began (epoch ms by the run's clock). */
  startedAt: number
  /** No look after this (epoch ms): step start + `wait`. */
  deadline: number
  /** How long 404 / 422 "record is null" is tolerated from the task's first look. */
  graceMs: number
}

/**
 * A task being waited for: each look is taken in (take), then the wait either looks again
 * (nextLookAt) or ends (giveUp). No I/O and no clock: times come in as arguments.
 */
export class TaskWait {
  readonly task: WatchedTask
  readonly startedAt: number
  /** The last status in words ("generating"), or "no answer yet" / "not found yet" before any. */
  status = 'no answer yet'
  progress: string | null = null

  readonly #deadline: number
  readonly #graceMs: number
  #interval = FIRST_INTERVAL_MS
  #looks = 0
  #firstLookAt: number | undefined
  #lastLookAt = 0
  /** Whether kie.ai ever answered with the task's details. */
  #found = false
  /** What kie.ai said while it did not know the task: `404 "Task Not Found"`, `422 "record is null"`. */
  readonly #missing = new Set<string>()
  /** The last lookup error since the last answer, for the timeout's message. */
  #lastError: string | undefined
  #retryAfterMs = 0
  readonly #unknownSeen = new Set<string>()

  constructor(task: WatchedTask, options: TaskWaitOptions) {
    this.task = task
    this.startedAt = options.startedAt
    this.#deadline = options.deadline
    this.#graceMs = options.graceMs
  }

  /** Takes in one look, answered at `at`: the outcome when it settles the task. */
  take(look: Look, at: number): Verdict {
    this.#looks += 1
    // Spacing counts from the answer: a lookup may have queued behind the run's lookup cap, and
    // the next one must still come at least the interval after this one reached kie.ai.
    this.#lastLookAt = at
    this.#firstLookAt ??= at
    this.#retryAfterMs = look.kind === 'error' ? look.retryAfterMs : 0
    switch (look.kind) {
      case 'seen':
        return this.#seen(look.view, at)
      case 'missing':
        this.#missing.add(look.answer)
        if (!this.#found) this.status = 'not found yet'
        return { kind: 'going' }
      case 'ended':
        return this.#failed(look.error, at)
      case 'refused':
        return this.#failed(`could not be looked up: ${look.error}`, at)
      case 'error':
        this.#lastError = look.error
        return { kind: 'going' }
    }
  }

  /**
   * When to look next (epoch ms), or undefined when no look is left: the end (the deadline, or the
   * grace period's end for a task kie.ai has never heard of) has come, kie.ai asked to come back
   * only after it, or the next look would come less than MIN_SPACING_MS after the last.
   * `random` in [0, 1) jitters the interval by ±10 %.
   */
  nextLookAt(now: number, random: number): number | undefined {
    const lookedAt = this.#lastLookAt
    const endAt = this.#endAt()
    const wait = Math.min(MAX_INTERVAL_MS, this.#interval * (0.9 + 0.2 * random))
    this.#interval = Math.min(MAX_INTERVAL_MS, this.#interval * INTERVAL_GROWTH)
    const nextAt = Math.min(lookedAt + Math.max(wait, this.#retryAfterMs), endAt)
    // Asked to come back only after the end (a Retry-After, a rate-limit pause): no look is left.
    const askedPast = lookedAt + this.#retryAfterMs > endAt
    if (now >= endAt || askedPast || nextAt - lookedAt < MIN_SPACING_MS) return undefined
    return nextAt
  }

  /** The outcome when no look is left: not found when kie.ai never knew the task, else timed out. */
  giveUp(now: number): TaskOutcome {
    const ms = now - this.startedAt
    if (this.#notFound()) {
      return { state: 'failed', error: this.#notFoundMessage(ms), ms }
    }
    return { state: 'timeout', error: this.#timeoutMessage(ms), ms }
  }

  #seen(view: TaskView, at: number): Verdict {
    this.#found = true
    this.#lastError = undefined
    this.status = view.status
    this.progress = view.progress
    if (view.state === 'success') {
      if (view.main.length === 0) {
        const why = view.noFile ? `: ${view.noFile}` : ''
        return this.#failed(`finished, but produced no file to download${why}`, at)
      }
      const { main, extras, createdAt } = view
      const ms = at - this.startedAt
      const outcome: TaskOutcome = {
        state: 'success',
        main,
        extras,
        ms,
        createdAt: createdAt ?? undefined
      }
      return { kind: 'done', outcome }
    }
    // The reason alone: the log and the error name the task (family and ID) in front of it.
    if (view.state === 'failed') return this.#failed(view.error ?? 'kie.ai gave no reason', at)
    if (view.state === 'unknown' && !this.#unknownSeen.has(view.raw)) {
      this.#unknownSeen.add(view.raw)
      return { kind: 'going', newUnknown: view.raw }
    }
    return { kind: 'going' }
  }

  #failed(error: string, at: number): Verdict {
    return { kind: 'done', outcome: { state: 'failed', error, ms: at - this.startedAt } }
  }

  /** A task kie.ai has never heard of gets the grace period, not the whole wait. */
  #notFound(): boolean {
    return this.#missing.size > 0 && !this.#found
  }

  #endAt(): number {
    const firstLookAt = this.#firstLookAt ?? this.startedAt
    return this.#notFound() ? Math.min(this.#deadline, firstLookAt + this.#graceMs) : this.#deadline
  }

  #notFoundMessage(ms: number): string {
    const looks = this.#looks
    const when = looks === 1 ? 'at its only look' : `${looks} times over ${seconds(ms)} s`
    return (
      `not found: kie.ai answered ${[...this.#missing].join(' and ')} ${when}. ` +
      `Check task-type (the task may belong to another family than ${this.task.type}) and that the ` +
      'task is less than 14 days old.'
    )
  }

  #timeoutMessage(ms: number): string {
    const status = [this.status, formatProgress(this.progress)].filter(Boolean).join(', ')
    const last = this.#lastError ? `last error: ${this.#lastError}` : `last status: ${status}`
    if (this.#looks === 1) {
      const what = this.#found || !this.#lastError ? 'not finished' : 'no answer from kie.ai'
      return `${what} at the first look, and wait allows no more time (${last})`
    }
    const what = this.#found ? 'still generating' : 'no answer from kie.ai'
    return `${what} after ${seconds(ms)} s (${last})`
  }
}

/** kie.ai's progress for people: "0.48" is 48%. */
export function formatProgress(progress: string | null): string {
  if (progress === null || progress.trim() === '') return ''
  const value = Number(progress)
  if (!Number.isFinite(value) || value < 0) return progress
  if (value <= 1) return `${Math.round(value * 100)}%`
  return value <= 100 ? `${Math.round(value)}%` : progress
}

function seconds(ms: number): number {
  return Math.round(ms / 1000)
}
