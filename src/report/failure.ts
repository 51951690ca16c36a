// The one step-level error: what stopped the run, or which entries failed, each reason said once.
import type { FileResult, RunResult } from '../results.js'
import { oneLine } from '../util/safe-text.js'
import {
  CANCELLED,
  NOT_STARTED,
  plural,
  repeats,
  shortSource,
  shortTaskId,
  totals
} from './format.js'

/** Distinct reasons listed in the error at most; the job summary and `files` hold the rest. */
export const MAX_REASONS = 10
/** Entries named per reason at most. */
const MAX_NAMED = 3

function label(f: FileResult): string {
  if (f.family !== null && f.taskId !== null && f.url === null) {
    return `${f.family} task ${shortTaskId(f.taskId)}`
  }
  const what = f.name ?? (f.url ? shortSource(f.url) : null)
  return `#${f.index}${what ? ` ${oneLine(what, 80)}` : ''}`
}

/** "#3 a.png, #5 b.png: file host answered HTTP 404", one line per distinct reason. */
function reasons(failed: FileResult[]): string[] {
  const byReason = new Map<string, string[]>()
  for (const f of failed) {
    const reason = oneLine(f.error ?? 'failed', 200)
    const who = label(f)
    // A task's reason often names its task already: not twice on one line.
    const said = f.taskId !== null && (reason.includes(f.taskId) || reason.includes(who))
    byReason.set(reason, [...(byReason.get(reason) ?? []), ...(said ? [] : [who])])
  }
  const lines = [...byReason].slice(0, MAX_REASONS).map(([reason, labels]) => {
    if (labels.length === 0) return reason
    const more = labels.length > MAX_NAMED ? ` and ${labels.length - MAX_NAMED} more` : ''
    return `${labels.slice(0, MAX_NAMED).join(', ')}${more}: ${reason}`
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
      f.error !== NOT_STARTED &&
      f.error !== CANCELLED &&
      // The entry that met the stop says the same as the stop: said once, at the top.
      !(stop && f.error && (oneLine(f.error).includes(stop) || stop.includes(oneLine(f.error))))
  )
}

/** What went wrong in the run, whatever `fail-on-error` says; null when nothing did. */
export function failureSummary(run: RunResult): string | null {
  const t = totals(run)
  const own = ownFailures(run)
  if (run.stopped) {
    const left = [
      t.notStarted ? `${t.notStarted} not started` : '',
      t.cancelled ? `${t.cancelled} cancelled` : ''
    ].filter(Boolean)
    const head =
      `The run stopped: ${oneLine(run.stopped, 500)}. ` +
      `${t.downloaded + t.skipped} of ${plural(t.entries, 'file')} done${left.length ? `, ${left.join(', ')}` : ''}.`
    return own.length ? [head, 'Other failures:', ...reasons(own)].join('\n') : head
  }
  const failed = t.failed + t.notStarted + t.cancelled
  if (failed === 0) return null
  return [`${failed} of ${plural(t.entries, 'file')} failed:`, ...reasons(own)].join('\n')
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
