// The one step-level error: what stopped the run, or which entries failed, each reason said once.
import type { FileResult, RunResult, TaskResult } from '../results.js'
import { oneLine } from '../util/safe-text.js'
import {
  clip,
  isTaskRow,
  plural,
  repeats,
  shortSource,
  stateWord,
  taskLabel,
  totals,
  unfinished
} from './format.js'

/** Distinct reasons listed in the error at most; the job summary and `files` hold the rest. */
export const MAX_REASONS = 10
/** Entries named per reason at most. */
const MAX_NAMED = 3
/** A reason's length in the error at most (cut at a word). */
const MAX_REASON = 200

/** `#3 a.png`: a file by its position in the whole list and its name. */
function label(f: FileResult): string {
  const what = f.name ?? (f.url ? shortSource(f.url) : null)
  return `#${f.index}${what ? ` ${oneLine(what, 80)}` : ''}`
}

/**
 * One line per distinct reason, each entry named once: "#3 a.png, #5 b.png: file host answered
 * HTTP 404" for files, "veo task 123 timed out: still generating after 900 s" for a task that
 * yielded no file (its state said once, between the task and the reason).
 */
function reasons(failed: FileResult[], tasks: Map<string, TaskResult>): string[] {
  const byReason = new Map<string, { glue: string; reason: string; labels: string[] }>()
  for (const f of failed) {
    const reason = clip(oneLine(f.error ?? 'failed', 2000), MAX_REASON)
    const task = isTaskRow(f) && f.taskId !== null ? tasks.get(f.taskId) : undefined
    const glue = task ? ` ${stateWord(task.state)}: ` : ': '
    const key = `${glue}\u0000${reason}`
    const group = byReason.get(key) ?? { glue, reason, labels: [] }
    group.labels.push(task ? taskLabel(task.type, task.taskId) : label(f))
    byReason.set(key, group)
  }
  const lines = [...byReason.values()].slice(0, MAX_REASONS).map(({ glue, reason, labels }) => {
    const more = labels.length > MAX_NAMED ? ` and ${labels.length - MAX_NAMED} more` : ''
    return `${labels.slice(0, MAX_NAMED).join(', ')}${more}${glue}${reason}`
  })
  if (byReason.size > MAX_REASONS) {
    lines.push(
      `… and ${byReason.size - MAX_REASONS} more reasons (see the job summary or the \`files\` output)`
    )
  }
  return lines
}

/** Failed entries with a reason of their own (not a repeat, not stopped by the run's stop). */
function ownFailures(run: RunResult): FileResult[] {
  const again = repeats(run.files)
  const stop = run.stopped ? oneLine(run.stopped) : null
  return run.files.filter(
    f =>
      f.status === 'failed' &&
      !again.has(f.index) &&
      f.stoppedBy === undefined &&
      // The entry that met the stop says the same as the stop: said once, at the top.
      !(stop && f.error && (oneLine(f.error).includes(stop) || stop.includes(oneLine(f.error))))
  )
}

/** "1 of 4 files failed; 1 of 2 tasks failed": what did not arrive, files and tasks apart. */
function failedCounts(run: RunResult): string {
  const t = totals(run)
  const left = unfinished(t)
  return [
    left.files ? `${left.files} of ${plural(t.entries, 'file')} failed` : '',
    left.tasks ? `${left.tasks} of ${plural(t.tasks, 'task')} failed` : ''
  ]
    .filter(Boolean)
    .join('; ')
}

/** What went wrong in the run, whatever `fail-on-error` says; null when nothing did. */
export function failureSummary(run: RunResult): string | null {
  const t = totals(run)
  const own = ownFailures(run)
  const tasks = new Map(run.tasks.map(task => [task.taskId, task]))
  if (run.stopped) {
    const left = [
      t.notStarted ? `${t.notStarted} not started` : '',
      t.cancelled ? `${t.cancelled} cancelled` : '',
      t.tasksNotStarted ? plural(t.tasksNotStarted, 'task') + ' not started' : '',
      t.tasksCancelled ? plural(t.tasksCancelled, 'task') + ' cancelled' : ''
    ].filter(Boolean)
    const head =
      `The run stopped: ${clip(oneLine(run.stopped, 2000), 500)}. ` +
      `${t.downloaded + t.skipped} of ${plural(t.entries, 'file')} done${left.length ? `, ${left.join(', ')}` : ''}.`
    return own.length ? [head, 'Other failures:', ...reasons(own, tasks)].join('\n') : head
  }
  const counts = failedCounts(run)
  if (counts === '') return null
  return [`${counts}:`, ...reasons(own, tasks)].join('\n')
}

/**
 * The step's one error, or null when the step passes. A stopped run (bad key 401, no credits 402,
 * sub-key limit 433, cancelled) fails whatever `fail-on-error` says: every later run would fail
 * the same way.
 */
export function failureMessage(run: RunResult, failOnError: boolean): string | null {
  if (run.stopped || failOnError) return failureSummary(run)
  return null
}
