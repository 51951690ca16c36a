// Small wording helpers shared by the log, the outputs and the summary: sizes, times, IDs, sources, totals.
import path from 'node:path'
import type { FileResult, RunResult, TaskResult } from '../results.js'
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

/**
 * A task ID short enough for one log line. kie.ai IDs often share a family prefix
 * (`veo_task_…`, `mj_…`), so the tail tells tasks apart where the head would not.
 */
export function shortTaskId(taskId: string): string {
  const id = oneLine(taskId, 80)
  return id.length <= 12 ? id : `…${id.slice(-8)}`
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

/** The pipeline's short error for entries a stop kept from starting. */
export const NOT_STARTED = 'not started'
export const CANCELLED = 'cancelled'

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

export interface Totals {
  /** Entries that are not repeats of an earlier URL. */
  entries: number
  downloaded: number
  skipped: number
  /** Failed for a reason of their own. */
  failed: number
  notStarted: number
  cancelled: number
  /** Bytes transferred by this run (downloads only). */
  bytes: number
}

export function totals(run: RunResult): Totals {
  const again = repeats(run.files)
  const t: Totals = {
    entries: 0,
    downloaded: 0,
    skipped: 0,
    failed: 0,
    notStarted: 0,
    cancelled: 0,
    bytes: 0
  }
  for (const f of run.files) {
    if (again.has(f.index)) continue
    t.entries++
    if (f.status === 'downloaded') {
      t.downloaded++
      t.bytes += f.bytes ?? 0
    } else if (f.status === 'skipped') t.skipped++
    else if (f.error === NOT_STARTED) t.notStarted++
    else if (f.error === CANCELLED) t.cancelled++
    else t.failed++
  }
  return t
}

/** "12 downloaded, 3 skipped, 1 failed": the counts that are not zero (downloaded always). */
export function countsText(t: Totals): string {
  const parts = [`${t.downloaded} downloaded`]
  if (t.skipped) parts.push(`${t.skipped} skipped`)
  if (t.failed) parts.push(`${t.failed} failed`)
  if (t.notStarted) parts.push(`${t.notStarted} not started`)
  if (t.cancelled) parts.push(`${t.cancelled} cancelled`)
  return parts.join(', ')
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
export function tasksText(tasks: TaskResult[]): string {
  const parts = (Object.keys(STATE_WORDS) as Array<TaskResult['state']>).flatMap(state => {
    const n = tasks.filter(t => t.state === state).length
    return n ? [`${n} ${STATE_WORDS[state]}`] : []
  })
  return `${tasks.length} task${tasks.length === 1 ? '' : 's'}: ${parts.join(', ')}`
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
