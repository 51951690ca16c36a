// The step log as a person reads it on GitHub's page: a header, one line per file as it lands, totals.
import * as core from '@actions/core'
import type { FileResult, Progress, RunResult, TaskResult } from '../results.js'
import type { RetryNotice } from '../util/retry.js'
import { oneLine, redactUrl } from '../util/safe-text.js'
import {
  countsText,
  displayDir,
  errorText,
  formatBytes,
  formatDuration,
  middle,
  plural,
  stateWord,
  taskLabel,
  totals,
  volumeText
} from './format.js'

/** Tasks named one by one in a waiting line; the rest are counted. */
export const WAITING_SHOWN = 5

/**
 * Up to this many files, each file that arrives (or is skipped) has its line as it lands. Past it,
 * those lines are kept and written at the end in one collapsed group, so that failures, task lines
 * and totals stay readable; a line every 30 s says how far the run is.
 */
export const FILE_LINES_SHOWN = 200

/** File names longer than this are shortened in the middle: the task ID after them stays whole. */
const NAME_SHOWN = 100

/** The reason logStopped gave this run, so the file that met it does not say it again. */
let stopReason: string | null = null

/** The lines of files that arrived, kept for the group once the run has more than FILE_LINES_SHOWN files. */
const fileLines = { known: 0, landed: 0, grouped: false, kept: [] as string[] }

/** "Downloading 12 files and the results of 3 tasks into kie-downloads/". */
export function logStart(info: { files: number; tasks: number; dir: string }): void {
  stopReason = null
  fileLines.known = 0
  fileLines.landed = 0
  fileLines.grouped = false
  fileLines.kept = []
  logMoreFiles(info.files)
  const what = [
    info.files ? plural(info.files, 'file') : '',
    info.tasks ? `the results of ${plural(info.tasks, 'task')}` : ''
  ].filter(Boolean)
  const where = displayDir(info.dir)
  core.info(
    what.length
      ? `Downloading ${what.join(' and ')} into ${where}`
      : `Nothing to download into ${where}`
  )
}

/** Files a task gave, once it succeeded: past FILE_LINES_SHOWN in all, arrivals are grouped. */
export function logMoreFiles(n: number): void {
  fileLines.known += n
  if (fileLines.known > FILE_LINES_SHOWN) fileLines.grouped = true
}

/** A line about one file that arrived: at once, or kept for the group in a big run. */
function fileLine(line: string): void {
  if (fileLines.grouped) fileLines.kept.push(line)
  else core.info(line)
}

/** "shard 2/4: 25 of 100 entries": the log's first line in a sharded run. */
export function logShard(text: string): void {
  core.info(text)
}

/** About every 30 s in a big run, whose file lines wait for the end: how far it is. */
export function logLanded(): void {
  if (!fileLines.grouped || fileLines.kept.length === 0) return
  core.info(`… ${fileLines.landed} of ${plural(fileLines.known, 'file')} done so far`)
}

/**
 * One line as a file lands, outside any group so the page shows it while the step runs. Entries a
 * stop kept from starting stay quiet (logStopped said why once), and so does a task's "no file"
 * row (logTask said what became of the task).
 */
export function logFile(r: FileResult): void {
  if (r.status === 'failed' && r.stoppedBy) return
  if (r.url === null && r.family !== null) return
  fileLines.landed++
  const name = middle(
    oneLine(r.name ?? (r.url ? redactUrl(r.url) : `#${r.index}`), 500),
    NAME_SHOWN
  )
  const task = r.family && r.taskId ? `  ${taskLabel(r.family, r.taskId)}` : ''
  if (r.status === 'failed') {
    // Files whose answer stopped the run (the calls under way) point at the stop line instead of repeating it.
    const why = r.error !== null && r.error === stopReason ? 'stopped the run (see above)' : r.error
    core.info(`✖ ${name}: ${oneLine(why ?? 'failed')}${task}`)
    return
  }
  const facts = [
    r.bytes === null ? '' : formatBytes(r.bytes),
    r.contentType ? oneLine(r.contentType, 60) : ''
  ].filter(Boolean)
  const how =
    r.sameAs !== undefined
      ? `same URL as #${r.sameAs}, fetched once`
      : r.status === 'skipped'
        ? 'already there, skipped'
        : formatDuration(r.ms)
  const mark = r.status === 'downloaded' && r.sameAs === undefined ? '✔' : '↷'
  fileLine(`${mark} ${[name, ...facts, how].join('  ')}${task}`)
}

/** One line when a task settles: family, whole ID, state, number of files, time taken. */
export function logTask(t: TaskResult): void {
  const label = taskLabel(t.type, t.taskId)
  const took = formatDuration(t.ms)
  switch (t.state) {
    case 'success':
      core.info(`◆ ${label} succeeded in ${took}: ${plural(t.files, 'file')}`)
      break
    case 'skipped':
      core.info(`↷ ${label}: its files are already there, not looked up`)
      break
    default: {
      const error = errorText(t)
      core.info(
        `✖ ${label} ${stateWord(t.state)} after ${took}${error ? `: ${oneLine(error)}` : ''}`
      )
    }
  }
}

/** A task listed more than once, said at the start: its entries share one lookup and its files. */
export function logRepeatedTask(type: string, taskId: string, entries: number[]): void {
  const shown =
    entries.slice(0, WAITING_SHOWN).join(', ') + (entries.length > WAITING_SHOWN ? ', …' : '')
  core.info(
    `↷ ${taskLabel(type, taskId)} is listed ${entries.length} times (entries ${shown}): looked up and downloaded once`
  )
}

/** kie.ai reports progress as "0.48" (a fraction) or "48" (a percentage), or not at all. */
function progressWord(progress: string | null): string {
  if (progress === null || progress.trim() === '') return ''
  const n = Number(progress)
  if (!Number.isFinite(n) || n < 0) return ` ${oneLine(progress, 20)}`
  return ` ${Math.round(n <= 1 ? n * 100 : Math.min(n, 100))}%`
}

/** About every 30 s while tasks run: which, in what state, for how long. */
export function logWaiting(
  running: Array<{
    taskId: string
    type: string
    /** The status in words ("generating", "lyrics ready"). */
    status: string
    progress: string | null
    sinceMs: number
  }>
): void {
  if (running.length === 0) return
  const shown = running
    .slice(0, WAITING_SHOWN)
    .map(
      r =>
        `${taskLabel(oneLine(r.type, 30), r.taskId)} ${oneLine(r.status, 30) || 'pending'}` +
        `${progressWord(r.progress)} (${formatDuration(r.sinceMs)})`
    )
  const more = running.length > WAITING_SHOWN ? `, and ${running.length - WAITING_SHOWN} more` : ''
  core.info(`⏳ Waiting for ${plural(running.length, 'task')}: ${shown.join(', ')}${more}`)
}

/** Under the file's line: what failed, and when the next attempt comes. */
export function logRetry(label: string, n: RetryNotice): void {
  // A file's detail: in a big run it goes into the group with the file lines.
  fileLine(
    `  ↻ ${oneLine(label, 200)}: ${oneLine(n.reason)}; retry ${n.retry} of ${n.of} in ${formatDuration(n.waitMs)}`
  )
}

/** Under a long download: how far it is, and how fast. */
export function logProgress(label: string, p: Progress): void {
  const rate = p.bytes / Math.max(p.elapsedMs / 1000, 0.001)
  const percent = p.total ? `${Math.floor((p.bytes / p.total) * 100)}% ` : ''
  const of = p.total ? ` of ${formatBytes(p.total)}` : ''
  core.info(
    `  … ${oneLine(label, 200)}: ${percent}(${formatBytes(p.bytes)}${of}, ${formatBytes(rate)}/s)`
  )
}

/** Said once: why nothing more starts. The step's one error repeats it at the end. */
export function logStopped(reason: string): void {
  stopReason = reason
  core.info(`■ Stopped: ${oneLine(reason)}. Nothing more will start.`)
}

/**
 * The closing lines: a big run's file lines in one collapsed group, then the totals, e.g.
 * "12 files downloaded, 3 skipped, 1 failed · 48.0 MiB in 9.2 s (5.2 MiB/s)".
 */
export function logTotals(run: RunResult): void {
  const kept = fileLines.kept
  fileLines.kept = []
  if (kept.length > 0) {
    core.startGroup(`Files that arrived or were already there (${kept.length} lines)`)
    for (const line of kept) core.info(line)
    core.endGroup()
  }
  const t = totals(run)
  core.info(`${countsText(t)} · ${volumeText(t, run.elapsedMs)}`)
}

/** Details for whoever turns on debug logging: where each file went, its hash, its source. */
export function logDetails(run: RunResult): void {
  // The runner hides ::debug:: lines unless debug logging is on: do not write 10,000 of them for nothing.
  if (!core.isDebug()) return
  for (const f of run.files) {
    if (f.status === 'failed' && f.path === null && f.stoppedBy) continue
    const fields = [
      `#${f.index}`,
      f.url ? redactUrl(f.url) : '(no file)',
      f.taskId ? `task=${oneLine(f.taskId, 80)}${f.extra ? ' (extra)' : ''}` : '',
      `status=${f.status}`,
      f.path ? `path=${oneLine(f.path, 500)}` : '',
      f.sha256 ? `sha256=${f.sha256}` : '',
      f.sameAs !== undefined ? `sameAs=#${f.sameAs}` : ''
    ]
    core.debug(fields.filter(Boolean).join(' '))
  }
  for (const t of run.tasks) {
    core.debug(
      `task ${oneLine(t.taskId, 80)} type=${t.type} state=${t.state} files=${t.files} ms=${t.ms}`
    )
  }
}
