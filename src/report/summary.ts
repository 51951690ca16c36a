// The job summary: GitHub-flavoured Markdown with the totals and one table row per file, tasks grouped.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { FileResult, RunResult, TaskResult } from '../results.js'
import { oneLine } from '../util/safe-text.js'
import {
  CANCELLED,
  NOT_STARTED,
  countsText,
  displayDir,
  formatBytes,
  formatDuration,
  middle,
  plural,
  repeats,
  shortSource,
  stateWord,
  tasksText,
  totals,
  volumeText
} from './format.js'

/** The runner refuses a step summary over 1 MiB; the rest of the page keeps some room. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 16 * 1024

/**
 * Text from outside, inert in Markdown: every character that could start markup is escaped with a
 * backslash (CommonMark lets any ASCII punctuation be escaped), and `www.` cannot become a link.
 */
export function mdText(text: string, max = 300): string {
  return oneLine(text, max)
    .replace(/[\\`*_[\]<>|~&!:]/g, '\\$&')
    .replace(/(www)\./gi, '$1\\.')
}

/** Text from outside as a code span (names, sources, IDs): literal, whatever it holds. */
export function mdCode(text: string, max = 300): string {
  // A table splits cells on every unescaped `|`, even inside a code span.
  const body = oneLine(text, max).replace(/\|/g, '\\|')
  if (body === '') return ''
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${body}${pad}${fence}`
}

const STATUS: Record<FileResult['status'], string> = {
  downloaded: '✅ downloaded',
  skipped: '⏭️ skipped',
  failed: '❌ failed'
}

const TASK_STATE: Record<TaskResult['state'], string> = {
  success: '✅',
  failed: '❌',
  timeout: '⌛',
  skipped: '⏭️'
}

/** Entries a stop kept from starting: many of them in a row become one row. */
function stoppedWord(f: FileResult): string | null {
  if (f.status !== 'failed' || f.path !== null) return null
  return f.error === NOT_STARTED || f.error === CANCELLED ? f.error : null
}

/**
 * A piece of the table that is kept or cut as a whole: a file, a task with its files, a run of
 * stopped entries. Only a task too big for what is left may be cut: its own row and first files.
 */
interface Unit {
  order: number
  failed: boolean
  /** File rows it stands for (for the "not shown" note). */
  files: number
  rows: string[]
  /** A task's unit: rows[0] is the task's own row, the rest its files. */
  task?: boolean
}

/** Keeps "1.0 MiB" and "✅ downloaded" on one line in a narrow column. */
function nbsp(text: string): string {
  return text.replace(/ /g, '\u00a0')
}

function row(cells: string[], withError: boolean): string {
  return `| ${(withError ? cells : cells.slice(0, -1)).join(' | ')} |`
}

function positions(index: number, again: Map<number, number[]>): string {
  return [index, ...(again.get(index) ?? [])].join(', ')
}

function fileRow(
  f: FileResult,
  again: Map<number, number[]>,
  withError: boolean,
  inTask: boolean,
  stop: string | null
): string {
  // The entry that met the stop would repeat the line above the table word for word.
  const error =
    f.error && stop && oneLine(f.error) === stop ? 'stopped the run (see above)' : f.error
  const name = f.name ? mdCode(f.name, 200) : '–'
  return row(
    [
      positions(f.index, again),
      `${inTask ? '↳\u00a0' : ''}${name}${f.extra ? ' (extra)' : ''}`,
      f.bytes === null ? '' : nbsp(formatBytes(f.bytes)),
      f.contentType ? mdText(f.contentType, 60) : '',
      f.url ? mdText(shortSource(f.url, 56)) : '',
      nbsp(STATUS[f.status]),
      f.status === 'failed' && error ? mdText(error, 300) : ''
    ],
    withError
  )
}

function taskRow(t: TaskResult | undefined, taskId: string, withError: boolean): string {
  const family = t ? `**${mdText(t.type, 40)}** ` : ''
  const facts = !t
    ? []
    : t.state === 'skipped'
      ? [plural(t.files, 'file')]
      : t.state === 'success'
        ? [plural(t.files, 'file'), formatDuration(t.ms)]
        : [formatDuration(t.ms)]
  const state = t ? nbsp(`${TASK_STATE[t.state]} ${stateWord(t.state)}`) : ''
  return row(
    [
      '',
      [`${family}task ${mdCode(middle(taskId, 21))}`, ...facts.map(nbsp)].join(' · '),
      '',
      '',
      '',
      state,
      t?.error ? mdText(t.error, 300) : ''
    ],
    withError
  )
}

/** The table's pieces in input order. */
function units(run: RunResult, withError: boolean): Unit[] {
  const repeatOf = repeats(run.files)
  const again = new Map<number, number[]>()
  for (const [index, first] of repeatOf) again.set(first, [...(again.get(first) ?? []), index])
  const tasks = new Map(run.tasks.map(t => [t.taskId, t]))
  const stop = run.stopped ? oneLine(run.stopped) : null
  const out: Unit[] = []
  let current = null as { taskId: string; unit: Unit } | null
  let stopped = null as { word: string; from: number; to: number; unit: Unit } | null
  for (const f of run.files) {
    if (repeatOf.has(f.index)) continue
    const word = f.family === null ? stoppedWord(f) : null
    if (word && stopped?.word === word) {
      stopped.to = f.index
      stopped.unit.files++
      const n = stopped.unit.files
      stopped.unit.rows = [
        row(
          [
            `${stopped.from}–\u2060${stopped.to}`,
            nbsp(`${n} entries`),
            '',
            '',
            '',
            nbsp(`⏹️ ${word}`),
            ''
          ],
          withError
        )
      ]
      continue
    }
    stopped = null
    // A URL entry may carry a taskId too (the 4o-image endpoint's pair): only a family marks a task result.
    if (f.family !== null && f.taskId !== null) {
      if (current?.taskId !== f.taskId) {
        const unit: Unit = {
          order: f.index,
          failed: false,
          files: 0,
          rows: [taskRow(tasks.get(f.taskId), f.taskId, withError)],
          task: true
        }
        current = { taskId: f.taskId, unit }
        out.push(unit)
      }
      const t = tasks.get(f.taskId)
      current.unit.files++
      if (f.status === 'failed' || (t && t.state !== 'success' && t.state !== 'skipped'))
        current.unit.failed = true
      // A task that gave no file is said by its own row already.
      if (f.url !== null || f.path !== null)
        current.unit.rows.push(fileRow(f, again, withError, true, stop))
      continue
    }
    current = null
    const unit: Unit = {
      order: f.index,
      failed: f.status === 'failed',
      files: 1,
      rows: [fileRow(f, again, withError, false, stop)]
    }
    if (word) stopped = { word, from: f.index, to: f.index, unit }
    out.push(unit)
  }
  return out
}

/**
 * The whole summary. Pure: the same run gives the same text (golden tests pin it). A run too big
 * for the runner's cap keeps its failures first, then the first files, in input order.
 */
export function summaryMarkdown(run: RunResult, limitBytes = MAX_SUMMARY_BYTES): string {
  const t = totals(run)
  const failedTasks = run.tasks.some(task => task.state === 'failed' || task.state === 'timeout')
  const bad = t.failed + t.notStarted + t.cancelled > 0 || failedTasks || run.stopped !== null
  const withError = run.files.some(f => f.status === 'failed') || failedTasks
  const lines = [
    `### ${bad ? '❌' : '✅'} kie.ai downloads: ${countsText(t)}`,
    '',
    [
      `${volumeText(t, run.elapsedMs)} into ${mdCode(displayDir(run.dir))}`,
      run.tasks.length ? tasksText(run.tasks) : ''
    ]
      .filter(Boolean)
      .join(' · ')
  ]
  if (run.stopped) lines.push('', `> **Stopped:** ${mdText(run.stopped, 500)}`)
  const head = [
    row(['#', 'File', 'Size', 'Type', 'Source', 'Status', 'Error'], withError),
    row(['---:', '---', '---:', '---', '---', '---', '---'], withError)
  ]
  const pieces = units(run, withError)
  if (pieces.length === 0) return `${lines.join('\n')}\n`

  const size = (text: string): number => Buffer.byteLength(text) + 1
  const NOTE_ROOM = 300
  let budget =
    limitBytes -
    size(lines.join('\n')) -
    size('') -
    head.reduce((n, r) => n + size(r), 0) -
    NOTE_ROOM
  const kept = new Map<Unit, { rows: string[]; hidden: number }>()
  for (const unit of [...pieces.filter(u => u.failed), ...pieces.filter(u => !u.failed)]) {
    const cost = unit.rows.reduce((n, r) => n + size(r), 0)
    const part =
      cost <= budget ? { rows: unit.rows, hidden: 0, cost } : firstRows(unit, budget, withError)
    if (!part) continue
    budget -= part.cost
    kept.set(unit, part)
  }
  const shown = pieces.flatMap(u => kept.get(u)?.rows ?? [])
  lines.push('', ...head, ...shown)
  const hidden = pieces.reduce((n, u) => n + (kept.get(u)?.hidden ?? u.files), 0)
  if (hidden > 0) {
    lines.push(
      '',
      `_${hidden === 1 ? '1 more entry is' : `${hidden} more entries are`} not shown: a job summary holds at most 1 MiB. ` +
        'The file named by the `manifest` output lists every file._'
    )
  }
  return `${lines.join('\n')}\n`
}

/**
 * A task too big for the room left (thousands of results): its own row, as many of its first files
 * as fit, and a row counting the rest; null when not even that fits, or the unit is not a task.
 */
function firstRows(
  unit: Unit,
  budget: number,
  withError: boolean
): { rows: string[]; hidden: number; cost: number } | null {
  if (!unit.task || unit.rows.length < 2) return null
  const size = (text: string): number => Buffer.byteLength(text) + 1
  const note = (n: number): string =>
    row(
      [
        '',
        `↳\u00a0_… and ${n === 1 ? '1 more file' : `${n} more files`} of this task, in the manifest_`,
        '',
        '',
        '',
        '',
        ''
      ],
      withError
    )
  const files = unit.rows.length - 1
  // Room for the note with the widest count it could show.
  let cost = size(unit.rows[0]) + size(note(files))
  let shown = 0
  while (shown < files && cost + size(unit.rows[shown + 1]) <= budget)
    cost += size(unit.rows[++shown])
  if (cost > budget) return null
  const hidden = files - shown
  return { rows: [...unit.rows.slice(0, shown + 1), note(hidden)], hidden, cost }
}

/** Appends the summary to the step's summary file; a summary that cannot be written is only a warning. */
export async function writeSummary(run: RunResult): Promise<void> {
  // Outside a runner (a local run) there is no summary to write.
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(summaryMarkdown(run)).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  } finally {
    core.summary.emptyBuffer()
  }
}
