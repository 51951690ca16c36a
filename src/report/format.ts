// Small wording helpers shared by the log, the outputs and the summary: sizes, times, IDs, sources, totals.
import path from 'node:path'
import type { EmptyList, FileResult, RunResult, Shard, StoppedBy, TaskResult } from '../results.js'
import { oneLine, redactUrl } from '../util/safe-text.js'

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** "0.4 s", "1 min 20 s", "2 h 5 min": a person reads a wait, not a number of milliseconds. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const whole = Math.round(s)
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`
}

/** "market task 281e5b0e…": the family and the whole task ID, so that it can be copied. */
export function taskLabel(family: string | null, taskId: string): string {
  return `${family ? `${family} ` : ''}task ${oneLine(taskId, 200)}`
}

/**
 * Text cut to `max` characters at a word, with an ellipsis: an annotation that ends mid-word reads
 * as a typo. A single word longer than most of the room is cut where the room ends.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const room = text.slice(0, max - 1)
  const space = room.search(/\s\S*$/)
  const cut = space >= max * 0.6 ? room.slice(0, space) : room
  return `${cut.replace(/[\s,;:.]+$/, '')}…`
}

/** The URL with no query string and no `?…` marker: what the `files` output and the manifest carry. */
export function bareUrl(url: string): string {
  return redactUrl(url).replace(/\?…$/, '')
}

/** Shortens in the middle, where a long name is least telling: both ends stay readable. */
export function middle(text: string, max: number): string {
  if (text.length <= max) return text
  const head = Math.ceil((max - 1) / 2)
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`
}

/** `host/…/last-segment` for a table cell: the host says where, the last segment says which. */
export function shortSource(url: string, max = 60): string {
  const bare = oneLine(bareUrl(url), 2000)
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)(\/.*)?$/i.exec(bare)
  if (!m) return middle(bare, max)
  const host = oneLine(m[1], 40)
  const segments = (m[2] ?? '').split('/').filter(Boolean)
  const whole = [host, ...segments].join('/')
  if (whole.length <= max) return whole
  const prefix = segments.length > 1 ? `${host}/…/` : `${host}/`
  return `${prefix}${middle(segments.at(-1) ?? '', Math.max(12, max - prefix.length))}`
}

/** The destination as people know it: relative to the workspace, never the runner's absolute path. */
export function displayDir(dir: string): string {
  const workspace = process.env.GITHUB_WORKSPACE
  if (workspace) {
    const rel = path.relative(workspace, dir)
    if (rel === '') return './'
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return `${rel.split(path.sep).join('/')}/`
  }
  const home = process.env.HOME
  if (home && (dir === home || dir.startsWith(home + path.sep))) {
    return `~/${path.relative(home, dir).split(path.sep).join('/')}`.replace(/\/?$/, '/')
  }
  // Outside the workspace: the last folder names it well enough without the runner's layout.
  return `…/${path.basename(dir)}/`
}

/** The words for an entry the run's stop kept from arriving: its error in `files`, `tasks` and the manifest. */
export const STOPPED_WORDS: Readonly<Record<StoppedBy, string>> = {
  'not-started': 'not started',
  cancelled: 'cancelled'
}

/** An entry's error as people and later steps read it: its own, or what the run's stop did to it. */
export function errorText(r: Pick<FileResult | TaskResult, 'error' | 'stoppedBy'>): string | null {
  return r.stoppedBy ? STOPPED_WORDS[r.stoppedBy] : r.error
}

/** Entries that repeat an earlier entry's URL (fetched once for all), by position. */
export function repeats(files: FileResult[]): Map<number, number> {
  const first = new Map<string, number>()
  const out = new Map<number, number>()
  for (const f of files) {
    if (f.sameAs !== undefined) out.set(f.index, f.sameAs)
    else if (f.url !== null && f.family === null) {
      const earlier = first.get(f.url)
      if (earlier !== undefined) out.set(f.index, earlier)
      else first.set(f.url, f.index)
    }
  }
  return out
}

/** A task's row in `files` when it yielded no file: its reason stands for the task. */
export function isTaskRow(f: FileResult): boolean {
  return f.url === null && f.family !== null
}

export interface Totals {
  /** Files: entries that are not repeats of an earlier URL, nor a task that yielded no file. */
  entries: number
  downloaded: number
  skipped: number
  /** Failed for a reason of their own. */
  failed: number
  notStarted: number
  cancelled: number
  /** Bytes transferred by this run (downloads only). */
  bytes: number
  /** Tasks of the run, and those that yielded no file, by why. */
  tasks: number
  tasksFailed: number
  tasksTimedOut: number
  tasksNotStarted: number
  tasksCancelled: number
}

/** Each task once: a task listed again (same ID, same family) was looked up and fetched once. */
export function distinctTasks(tasks: TaskResult[]): TaskResult[] {
  const seen = new Set<string>()
  return tasks.filter(t => {
    const key = `${t.type}\n${t.taskId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export function totals(run: RunResult): Totals {
  const again = repeats(run.files)
  const tasks = distinctTasks(run.tasks)
  const t: Totals = {
    entries: 0,
    downloaded: 0,
    skipped: 0,
    failed: 0,
    notStarted: 0,
    cancelled: 0,
    bytes: 0,
    tasks: tasks.length,
    tasksFailed: 0,
    tasksTimedOut: 0,
    tasksNotStarted: 0,
    tasksCancelled: 0
  }
  for (const f of run.files) {
    if (again.has(f.index) || isTaskRow(f)) continue
    t.entries++
    if (f.status === 'downloaded') {
      t.downloaded++
      t.bytes += f.bytes ?? 0
    } else if (f.status === 'skipped') t.skipped++
    else if (f.stoppedBy === 'not-started') t.notStarted++
    else if (f.stoppedBy === 'cancelled') t.cancelled++
    else t.failed++
  }
  for (const task of tasks) {
    if (task.state === 'timeout') t.tasksTimedOut++
    else if (task.state !== 'failed') continue
    else if (task.stoppedBy === 'not-started') t.tasksNotStarted++
    else if (task.stoppedBy === 'cancelled') t.tasksCancelled++
    else t.tasksFailed++
  }
  return t
}

/** Files that did not arrive, and tasks that yielded no file, for whatever reason. */
export function unfinished(t: Totals): { files: number; tasks: number } {
  return {
    files: t.failed + t.notStarted + t.cancelled,
    tasks: t.tasksFailed + t.tasksTimedOut + t.tasksNotStarted + t.tasksCancelled
  }
}

/**
 * "4 files downloaded, 1 skipped; 1 task failed": files, then (when some yielded nothing) tasks,
 * each count said only when it is not zero (files downloaded always).
 */
export function countsText(t: Totals): string {
  const files = [`${plural(t.downloaded, 'file')} downloaded`]
  if (t.skipped) files.push(`${t.skipped} skipped`)
  if (t.failed) files.push(`${t.failed} failed`)
  if (t.notStarted) files.push(`${t.notStarted} not started`)
  if (t.cancelled) files.push(`${t.cancelled} cancelled`)
  const tasks = [
    [t.tasksFailed, 'failed'],
    [t.tasksTimedOut, 'timed out'],
    [t.tasksNotStarted, 'not started'],
    [t.tasksCancelled, 'cancelled']
  ]
    .filter(([n]) => n)
    .map(([n, what], i) => (i === 0 ? `${plural(n as number, 'task')} ${what}` : `${n} ${what}`))
  return tasks.length ? `${files.join(', ')}; ${tasks.join(', ')}` : files.join(', ')
}

/** "48.0 MiB in 9.2 s (5.2 MiB/s)". */
export function volumeText(t: Totals, elapsedMs: number): string {
  const seconds = elapsedMs / 1000
  if (t.bytes === 0) return `nothing transferred in ${formatDuration(elapsedMs)}`
  const rate = seconds > 0 ? ` (${formatBytes(t.bytes / seconds)}/s)` : ''
  return `${formatBytes(t.bytes)} in ${formatDuration(elapsedMs)}${rate}`
}

const STATE_WORDS: Record<TaskResult['state'], string> = {
  success: 'succeeded',
  failed: 'failed',
  timeout: 'timed out',
  skipped: 'skipped'
}

export function stateWord(state: TaskResult['state']): string {
  return STATE_WORDS[state]
}

/** "3 tasks: 2 succeeded, 1 timed out". */
export function tasksText(listed: TaskResult[]): string {
  const tasks = distinctTasks(listed)
  const parts = (Object.keys(STATE_WORDS) as Array<TaskResult['state']>).flatMap(state => {
    const n = tasks.filter(t => t.state === state).length
    return n ? [`${n} ${STATE_WORDS[state]}`] : []
  })
  return `${tasks.length} task${tasks.length === 1 ? '' : 's'}: ${parts.join(', ')}`
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

/** "shard 2/4: 25 of 100 entries". */
export function shardText(shard: Shard, own: number, total: number): string {
  return `shard ${shard.index}/${shard.total}: ${own} of ${plural(total, 'entry', 'entries')}`
}

/** Why there is nothing to download, naming where the list came from. */
export function nothingText(empty: EmptyList, shard: Shard | null): string {
  const names = empty.inputs.map(name =>
    name === 'urls-file' && empty.file ? `'${name}' (${oneLine(empty.file, 200)})` : `'${name}'`
  )
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]
  switch (empty.kind) {
    case 'none-given':
      return "Nothing to download: 'urls', 'urls-file' and 'task-ids' are all empty."
    case 'no-entries':
      return `Nothing to download: ${list} ${names.length > 1 ? 'list' : 'lists'} no file URL and no task (only blank lines, # comments or an empty array).`
    case 'shard':
      return `Nothing to download: ${shard ? `shard ${shard.index}/${shard.total}` : 'this shard'} got none of the ${plural(empty.total, 'entry', 'entries')} of ${list}.`
  }
}
