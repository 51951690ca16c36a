// Waits for kie.ai tasks: polls each task's details with a growing interval until it ends or the deadline passes.
import { CancelledError, isRecordMissing, isTaskEnded } from '../errors.js'
import type { Clock } from '../util/clock.js'
import { classify } from '../util/retry.js'
import type { FamilyName } from '../constants.js'
import { FAMILIES, type TaskView } from './families.js'

/** kie.ai documents polling every 2-5 s at first, then 15-30 s. */
export const FIRST_INTERVAL_MS = 3_000
export const MAX_INTERVAL_MS = 30_000
export const INTERVAL_GROWTH = 1.5
/** Never two lookups of one task within this (4o and Suno allow 3 per second per task). */
export const MIN_SPACING_MS = 1_000
/** kie.ai answers 404 "Task Not Found" or 422 "record is null" right after a task is created. */
export const DEFAULT_GRACE_MS = 90_000

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

/** A task still being waited for, for the "still running" log line. */
export interface RunningTask {
  taskId: string
  type: FamilyName
  /** Last status in words ("generating", "lyrics ready"), or "not found yet" / "no answer yet". */
  status: string
  progress: string | null
  /** Time since this task's watch began. */
  sinceMs: number
}

export interface TaskWatcherOptions {
  /** One look at a task's details (the envelope's `data`); rejects like KieApi.lookup. */
  lookup: (type: FamilyName, taskId: string, signal: AbortSignal) => Promise<unknown>
  clock: Clock
  /** Epoch ms after which no task is looked up again: step start + `wait`. */
  deadline: number
  /** How long 404 / 422 "record is null" is tolerated from a task's first look. */
  graceMs?: number
  signal: AbortSignal
  /** Told once per task and raw value of a status no document names. */
  onUnknownStatus?: (task: WatchedTask, raw: string) => void
}

interface Progress {
  task: WatchedTask
  startedAt: number
  /** The last status in words. */
  status: string
  progress: string | null
}

export class TaskWatcher {
  readonly #options: TaskWatcherOptions
  readonly #graceMs: number
  readonly #running = new Set<Progress>()

  constructor(options: TaskWatcherOptions) {
    this.#options = options
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS
  }

  /** Waits for one task. Rejects only on cancel (CancelledError) or a stop-all error (401/402/433). */
  async watch(task: WatchedTask): Promise<TaskOutcome> {
    const entry: Progress = {
      task,
      startedAt: this.#options.clock.now(),
      status: 'no answer yet',
      progress: null
    }
    this.#running.add(entry)
    try {
      return await this.#poll(entry)
    } finally {
      this.#running.delete(entry)
    }
  }

  /** The tasks being waited for, with their last status. */
  running(): RunningTask[] {
    const now = this.#options.clock.now()
    return [...this.#running].map(e => ({
      ...e.task,
      status: e.status,
      progress: e.progress,
      sinceMs: now - e.startedAt
    }))
  }

  async #poll(entry: Progress): Promise<TaskOutcome> {
    const { lookup, clock, deadline, signal } = this.#options
    const { task } = entry
    const unknownSeen = new Set<string>()
    const elapsed = (): number => clock.now() - entry.startedAt
    const fail = (error: string): TaskOutcome => ({ state: 'failed', error, ms: elapsed() })
    let interval = FIRST_INTERVAL_MS
    let firstLookAt: number | undefined
    let looks = 0
    let found = false
    /** What kie.ai said while it did not know the task: `404 "Task Not Found"`, `422 "record is null"`. */
    const missing = new Set<string>()
    let lastError: string | undefined

    for (;;) {
      if (signal.aborted) throw new CancelledError()
      looks += 1
      let view: TaskView | undefined
      let retryAfterMs = 0
      try {
        view = FAMILIES[task.type].read(await lookup(task.type, task.taskId, signal))
      } catch (raw) {
        if (signal.aborted || raw instanceof CancelledError) throw new CancelledError()
        if (isRecordMissing(raw)) {
          missing.add(raw.answer ?? '422 "record is null"')
          if (!found) entry.status = 'not found yet'
        } else if (isTaskEnded(raw)) {
          return fail(raw.message)
        } else {
          const error = classify(raw)
          if (error.stopAll) throw error
          if (!error.retryable) return fail(`could not be looked up: ${error.message}`)
          lastError = error.message
          retryAfterMs = error.retryAfterMs ?? 0
        }
      }
      // Spacing counts from the answer: a lookup may have queued behind the run's lookup cap, and
      // the next one must still come at least the interval after this one reached kie.ai.
      const lookedAt = clock.now()
      firstLookAt ??= lookedAt

      if (view) {
        found = true
        lastError = undefined
        entry.status = view.status
        entry.progress = view.progress
        if (view.state === 'success') {
          if (view.main.length === 0) {
            const why = view.noFile ? `: ${view.noFile}` : ''
            return fail(`finished, but produced no file to download${why}`)
          }
          const { main, extras, createdAt } = view
          return {
            state: 'success',
            main,
            extras,
            ms: elapsed(),
            createdAt: createdAt ?? undefined
          }
        }
        // The reason alone: the log and the error name the task (family and ID) in front of it.
        if (view.state === 'failed') return fail(view.error ?? 'kie.ai gave no reason')
        if (view.state === 'unknown' && !unknownSeen.has(view.raw)) {
          unknownSeen.add(view.raw)
          this.#options.onUnknownStatus?.(task, view.raw)
        }
      }

      // A task kie.ai has never heard of gets the grace period, not the whole wait.
      const notFound = missing.size > 0 && !found
      const endAt = notFound ? Math.min(deadline, firstLookAt + this.#graceMs) : deadline
      const wait = Math.min(MAX_INTERVAL_MS, interval * (0.9 + 0.2 * clock.random()))
      interval = Math.min(MAX_INTERVAL_MS, interval * INTERVAL_GROWTH)
      const nextAt = Math.min(lookedAt + Math.max(wait, retryAfterMs), endAt)
      // Asked to come back only after the deadline (a Retry-After, a rate-limit pause): no look is left.
      const askedPast = lookedAt + retryAfterMs > endAt
      if (clock.now() >= endAt || askedPast || nextAt - lookedAt < MIN_SPACING_MS) {
        if (notFound) return fail(notFoundMessage(task, [...missing], looks, elapsed()))
        const ms = elapsed()
        const error = timeoutMessage({ entry, looks, found, lastError, ms })
        return { state: 'timeout', error, ms }
      }
      await clock.sleep(Math.max(0, nextAt - clock.now()), signal)
    }
  }
}

function notFoundMessage(task: WatchedTask, answers: string[], looks: number, ms: number): string {
  const when = looks === 1 ? 'at its only look' : `${looks} times over ${seconds(ms)} s`
  return (
    `not found: kie.ai answered ${answers.join(' and ')} ${when}. ` +
    `Check task-type (the task may belong to another family than ${task.type}) and that the ` +
    'task is less than 14 days old.'
  )
}

interface Ending {
  entry: Progress
  looks: number
  found: boolean
  lastError: string | undefined
  ms: number
}

function timeoutMessage({ entry, looks, found, lastError, ms }: Ending): string {
  const status = [entry.status, formatProgress(entry.progress)].filter(Boolean).join(', ')
  const last = lastError ? `last error: ${lastError}` : `last status: ${status}`
  if (looks === 1) {
    const what = found || !lastError ? 'not finished' : 'no answer from kie.ai'
    return `${what} at the first look, and wait allows no more time (${last})`
  }
  const what = found ? 'still generating' : 'no answer from kie.ai'
  return `${what} after ${seconds(ms)} s (${last})`
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
