// Waits for kie.ai tasks: polls each task's details with a growing interval until it ends or the deadline passes.
import { CancelledError, isRecordMissing, isTaskEnded } from '../errors.js'
import type { Clock } from '../util/clock.js'
import { classify } from '../util/retry.js'
import type { FamilyName } from '../constants.js'
import { FAMILIES } from './families.js'
import { type Look, TaskWait, type TaskOutcome, type WatchedTask } from './task-wait.js'

/** kie.ai answers 404 "Task Not Found" or 422 "record is null" right after a task is created. */
export const DEFAULT_GRACE_MS = 90_000

export type { TaskOutcome, WatchedTask } from './task-wait.js'

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

export class TaskWatcher {
  readonly #options: TaskWatcherOptions
  readonly #graceMs: number
  readonly #running = new Set<TaskWait>()

  constructor(options: TaskWatcherOptions) {
    this.#options = options
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS
  }

  /** Waits for one task. Rejects only on cancel (CancelledError) or a stop-all error (401/402/433). */
  async watch(task: WatchedTask): Promise<TaskOutcome> {
    const wait = new TaskWait(task, {
      startedAt: this.#options.clock.now(),
      deadline: this.#options.deadline,
      graceMs: this.#graceMs
    })
    this.#running.add(wait)
    try {
      return await this.#poll(wait)
    } finally {
      this.#running.delete(wait)
    }
  }

  /** The tasks being waited for, with their last status. */
  running(): RunningTask[] {
    const now = this.#options.clock.now()
    return [...this.#running].map(w => ({
      ...w.task,
      status: w.status,
      progress: w.progress,
      sinceMs: now - w.startedAt
    }))
  }

  /** Looks until a look settles the task or no look is left, sleeping between looks. */
  async #poll(wait: TaskWait): Promise<TaskOutcome> {
    const { clock, signal } = this.#options
    for (;;) {
      if (signal.aborted) throw new CancelledError()
      const look = await this.#look(wait.task)
      const verdict = wait.take(look, clock.now())
      if (verdict.kind === 'done') return verdict.outcome
      if (verdict.newUnknown !== undefined) {
        this.#options.onUnknownStatus?.(wait.task, verdict.newUnknown)
      }
      const nextAt = wait.nextLookAt(clock.now(), clock.random())
      if (nextAt === undefined) return wait.giveUp(clock.now())
      await clock.sleep(Math.max(0, nextAt - clock.now()), signal)
    }
  }

  /** One look at the task's details. Throws only on cancel or a stop-all error. */
  async #look(task: WatchedTask): Promise<Look> {
    const { lookup, signal } = this.#options
    try {
      return {
        kind: 'seen',
        view: FAMILIES[task.type].read(await lookup(task.type, task.taskId, signal))
      }
    } catch (raw) {
      if (signal.aborted || raw instanceof CancelledError) throw new CancelledError()
      if (isRecordMissing(raw)) {
        return { kind: 'missing', answer: raw.answer ?? '422 "record is null"' }
      }
      if (isTaskEnded(raw)) return { kind: 'ended', error: raw.message }
      const error = classify(raw)
      if (error.stopAll) throw error
      if (!error.retryable) return { kind: 'refused', error: error.message }
      return { kind: 'error', error: error.message, retryAfterMs: error.retryAfterMs ?? 0 }
    }
  }
}
