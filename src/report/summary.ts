// The job summary: GitHub-flavoured Markdown with the totals, then a table of what failed and one of what arrived.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { FileResult, RunResult, TaskResult } from '../results.js'
import { oneLine } from '../util/safe-text.js'
import {
  STOPPED_WORDS,
  countsText,
  displayDir,
  errorText,
  formatBytes,
  formatDuration,
  isTaskRow,
  plural,
  repeats,
  shortSource,
  stateWord,
  tasksText,
  totals,
  unfinished,
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

/** Entries a stop kept from arriving: many of them in a row become one row. */
function stoppedWord(f: FileResult): string | null {
  if (f.status !== 'failed' || f.path !== null || !f.stoppedBy) return null
  return STOPPED_WORDS[f.stoppedBy]
}

/** Which table a row goes in: what failed (with its error), or what arrived or was there. */
type Table = 'failed' | 'done'

/**
 * Rows of one entry (a file, a task with its files, a run of stopped entries) in one table, kept or
 * cut whole; only a task too big for what is left may be cut to its own row and first files.
 */
interface Piece {
  rows: string[]
  /** File rows it stands for (for the "not shown" note). */
  files: number
  /** A task's piece in this table: rows[0] is the task's own row, the rest its files. */
  task?: Table
}

/** One entry's rows: its failed rows and its done rows (a task can have both). */
interface Unit {
  failed: Piece | null
  done: Piece | null
}

/** Keeps "1.0 MiB" and "✅ downloaded" on one line in a narrow column. */
function nbsp(text: string): string {
  return text.replace(/ /g, '\u00a0')
}

const HEADS: Record<Table, string[]> = {
  failed: ['| # | File | Source | Status | Error |', '| ---: | --- | --- | --- | --- |'],
  done: ['| # | File | Size | Type | Source | Status |', '| ---: | --- | ---: | --- | --- | --- |']
}

/** A row of `table` from its cells: # and File, then Size and Type (done), Source and Status, Error (failed). */
function row(
  table: Table,
  c: {
    at: string
    file: string
    size?: string
    type?: string
    source?: string
    status: string
    error?: string
  }
): string {
  const cells =
    table === 'failed'
      ? [c.at, c.file, c.source ?? '', c.status, c.error ?? '']
      : [c.at, c.file, c.size ?? '', c.type ?? '', c.source ?? '', c.status]
  return `| ${cells.join(' | ')} |`
}

function positions(index: number, again: Map<number, number[]>): string {
  return [index, ...(again.get(index) ?? [])].join(', ')
}

function fileRow(
  f: FileResult,
  again: Map<number, number[]>,
  inTask: boolean,
  stop: string | null
): string {
  // The entry that met the stop would repeat the line above the table word for word.
  const own = errorText(f)
  const error = own && stop && oneLine(own) === stop ? 'stopped the run (see above)' : own
  const name = f.name ? mdCode(f.name, 200) : '–'
  return row(f.status === 'failed' ? 'failed' : 'done', {
    at: positions(f.index, again),
    file: `${inTask ? '↳\u00a0' : ''}${name}${f.extra ? ' (extra)' : ''}`,
    size: f.bytes === null ? '' : nbsp(formatBytes(f.bytes)),
    type: f.contentType ? mdText(f.contentType, 60) : '',
    source: f.url ? mdText(shortSource(f.url, 56)) : '',
    status: nbsp(STATUS[f.status]),
    error: error ? mdText(error, 300) : ''
  })
}

/** A task's heading row; `at` is its position when it stands for no file (it yielded none). */
function taskRow(table: Table, t: TaskResult | undefined, taskId: string, at = ''): string {
  const family = t ? `**${mdText(t.type, 40)}** ` : ''
  const facts = !t
    ? []
    : t.state === 'skipped'
      ? [plural(t.files, 'file')]
      : t.state === 'success'
        ? [plural(t.files, 'file'), formatDuration(t.ms)]
        : [formatDuration(t.ms)]
  const error = t && t.state !== 'success' ? errorText(t) : null
  // The whole ID, in a code span: it is what people copy to look the task up.
  return row(table, {
    at,
    file: [`${family}task ${mdCode(taskId, 200)}`, ...facts.map(nbsp)].join(' · '),
    status: t ? nbsp(`${TASK_STATE[t.state]} ${stateWord(t.state)}`) : '',
    error: error ? mdText(error, 300) : ''
  })
}

function piece(rows: string[], files: number, task?: Table): Piece {
  return task ? { rows, files, task } : { rows, files }
}

/** The rows of a task and its files, split between the two tables, each under the task's row. */
function taskUnit(
  files: FileResult[],
  t: TaskResult | undefined,
  again: Map<number, number[]>,
  stop: string | null
): Unit {
  const taskId = files[0].taskId as string
  if (files.length === 1 && isTaskRow(files[0])) {
    // A task that yielded no file: its own row says why, at its position in the list.
    return { failed: piece([taskRow('failed', t, taskId, String(files[0].index))], 1), done: null }
  }
  const failed = files.filter(f => f.status === 'failed')
  const done = files.filter(f => f.status !== 'failed')
  const part = (table: Table, list: FileResult[]): Piece | null =>
    list.length === 0
      ? null
      : piece(
          [taskRow(table, t, taskId), ...list.map(f => fileRow(f, again, true, stop))],
          list.length,
          table
        )
  return { failed: part('failed', failed), done: part('done', done) }
}

/** The table's pieces in input order. */
function units(run: RunResult): Unit[] {
  const repeatOf = repeats(run.files)
  const again = new Map<number, number[]>()
  for (const [index, first] of repeatOf) again.set(first, [...(again.get(first) ?? []), index])
  const tasks = new Map(run.tasks.map(t => [t.taskId, t]))
  const stop = run.stopped ? oneLine(run.stopped) : null
  const out: Unit[] = []
  let stopped = null as { word: string; from: number; files: number; unit: Unit } | null
  for (let i = 0; i < run.files.length; i++) {
    const f = run.files[i]
    if (repeatOf.has(f.index)) continue
    // A URL entry may carry a taskId too (the 4o-image endpoint's pair): only a family marks a task result.
    if (f.family !== null && f.taskId !== null) {
      let end = i + 1
      while (
        end < run.files.length &&
        run.files[end].family !== null &&
        run.files[end].taskId === f.taskId
      )
        end++
      out.push(
        taskUnit(
          run.files.slice(i, end).filter(x => !repeatOf.has(x.index)),
          tasks.get(f.taskId),
          again,
          stop
        )
      )
      i = end - 1
      stopped = null
      continue
    }
    const word = stoppedWord(f)
    if (word && stopped?.word === word) {
      stopped.files++
      const range = `${stopped.from}–\u2060${f.index}`
      stopped.unit.failed = piece(
        [
          row('failed', {
            at: range,
            file: nbsp(`${stopped.files} entries`),
            status: nbsp(`⏹️ ${word}`)
          })
        ],
        stopped.files
      )
      continue
    }
    const table: Table = f.status === 'failed' ? 'failed' : 'done'
    const unit: Unit = { failed: null, done: null }
    unit[table] = piece([fileRow(f, again, false, stop)], 1)
    stopped = word ? { word, from: f.index, files: 1, unit } : null
    out.push(unit)
  }
  return out
}

/** How the step ends, for the title: red only when it fails. */
export type StepOutcome = 'failed' | 'warning' | 'passed'

export interface SummaryView {
  /** How the step ends; by default it fails when anything failed, as with `fail-on-error: true`. */
  outcome?: StepOutcome
  /** `failures`: only the rows of what failed (`summary: failures`). */
  rows?: 'full' | 'failures'
  /** Said under the title in a sharded run: "shard 2/4: 25 of 100 entries". */
  shard?: string
  /** Why there was nothing to download, when there was nothing. */
  nothing?: string
}

/** The title and the line under it. */
function heading(run: RunResult, view: SummaryView): string[] {
  const t = totals(run)
  const left = unfinished(t)
  const bad = left.files + left.tasks > 0 || run.stopped !== null
  const outcome = view.outcome ?? (bad ? 'failed' : 'passed')
  const icon = outcome === 'failed' ? '❌' : outcome === 'warning' ? '⚠️' : '✅'
  const what = view.nothing !== undefined ? 'nothing to download' : countsText(t)
  // A folder nothing was placed in may not exist after the run: it is not named.
  const where = t.downloaded + t.skipped > 0 ? ` into ${mdCode(displayDir(run.dir))}` : ''
  const facts = [
    view.shard ? mdText(view.shard) : '',
    view.nothing !== undefined
      ? mdText(view.nothing, 500)
      : `${volumeText(t, run.elapsedMs)}${where}`,
    run.tasks.length ? tasksText(run.tasks) : ''
  ].filter(Boolean)
  const lines = [`### ${icon} kie.ai downloads: ${what}`, '', facts.join(' · ')]
  if (run.stopped) lines.push('', `> **Stopped:** ${mdText(run.stopped, 500)}`)
  return lines
}

/**
 * The whole summary: the title, then what failed (first, with the errors), then what arrived.
 * Pure: the same run gives the same text (golden tests pin it). A run too big for the runner's cap
 * keeps its failures first, then the first files, in input order.
 */
export function summaryMarkdown(
  run: RunResult,
  view: SummaryView = {},
  limitBytes = MAX_SUMMARY_BYTES
): string {
  const lines = heading(run, view)
  const all = units(run)
  const failed = all.flatMap(u => (u.failed ? [u.failed] : []))
  const done = view.rows === 'failures' ? [] : all.flatMap(u => (u.done ? [u.done] : []))
  if (failed.length + done.length === 0) return `${lines.join('\n')}\n`

  const size = (text: string): number => Buffer.byteLength(text) + 1
  const NOTE_ROOM = 400
  const tables = (['failed', 'done'] as const).reduce(
    (n, t) => n + HEADS[t].reduce((m, r) => m + size(r), 0) + 30,
    0
  )
  let budget = limitBytes - size(lines.join('\n')) - tables - NOTE_ROOM
  const kept = new Map<Piece, Shown>()
  for (const p of [...failed, ...done]) {
    const cost = p.rows.reduce((n, r) => n + size(r), 0)
    const part = cost <= budget ? { rows: p.rows, hidden: 0, cost } : firstRows(p, budget)
    if (!part) continue
    budget -= part.cost
    kept.set(p, part)
  }
  const shownFailed = failed.flatMap(p => kept.get(p)?.rows ?? [])
  const shownDone = done.flatMap(p => kept.get(p)?.rows ?? [])
  if (shownFailed.length) lines.push('', '#### Failed', '', ...HEADS.failed, ...shownFailed)
  if (shownDone.length) {
    lines.push('', ...(shownFailed.length ? ['#### Done', ''] : []), ...HEADS.done, ...shownDone)
  }
  const hidden = [...failed, ...done].reduce((n, p) => n + (kept.get(p)?.hidden ?? p.files), 0)
  if (hidden > 0) {
    lines.push(
      '',
      `_${hidden === 1 ? '1 more entry is' : `${hidden} more entries are`} not shown: a job summary holds at most 1 MiB. ` +
        'The file named by the `manifest` output lists every file._'
    )
  }
  const left = view.rows === 'failures' ? all.reduce((n, u) => n + (u.done?.files ?? 0), 0) : 0
  if (left > 0) {
    lines.push(
      '',
      `_${plural(left, 'file')} that arrived or ${left === 1 ? 'was' : 'were'} already there ${left === 1 ? 'is' : 'are'} not listed (\`summary: failures\`)._`
    )
  }
  return `${lines.join('\n')}\n`
}

/** What is shown of a piece: its rows, how many of its files are left out, and their bytes. */
interface Shown {
  rows: string[]
  hidden: number
  cost: number
}

/**
 * A task too big for the room left (thousands of results): its own row, as many of its first files
 * as fit, and a row counting the rest; null when not even that fits, or the piece is not a task.
 */
function firstRows(p: Piece, budget: number): Shown | null {
  if (!p.task || p.rows.length < 2) return null
  const table = p.task
  const size = (text: string): number => Buffer.byteLength(text) + 1
  const note = (n: number): string =>
    row(table, {
      at: '',
      file: `↳\u00a0_… and ${n === 1 ? '1 more file' : `${n} more files`} of this task, in the manifest_`,
      status: ''
    })
  const files = p.rows.length - 1
  // Room for the note with the widest count it could show.
  let cost = size(p.rows[0]) + size(note(files))
  let shown = 0
  while (shown < files && cost + size(p.rows[shown + 1]) <= budget) cost += size(p.rows[++shown])
  if (cost > budget) return null
  const hidden = files - shown
  return { rows: [...p.rows.slice(0, shown + 1), note(hidden)], hidden, cost }
}

/** Appends the summary to the step's summary file; a summary that cannot be written is only a warning. */
export async function writeSummary(run: RunResult, view: SummaryView = {}): Promise<void> {
  // Outside a runner (a local run) there is no summary to write.
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(summaryMarkdown(run, view)).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  } finally {
    core.summary.emptyBuffer()
  }
}
