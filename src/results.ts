// What a run produced: one result per file and one per task, the shapes the report stage reads.
import type { FamilyName } from './constants.js'

export type FileStatus = 'downloaded' | 'skipped' | 'failed'
export type TaskState = 'success' | 'failed' | 'timeout' | 'skipped'

/**
 * What the run's stop did to an entry that failed without a reason of its own: `not-started` (a
 * stop, such as a bad key or a full disk, kept it from starting), `cancelled` (the run was
 * cancelled before it ended). The words people and later steps read are made from it in report/.
 */
export type StoppedBy = 'not-started' | 'cancelled'

/** One file of the run (or one task that yielded no file: `url` null, status failed). */
export interface FileResult {
  /** 1-based position in the whole list, each task's results expanded where the task stood ({index}). */
  index: number
  /** 1-based position among its task's results ({n}); 1 for a listed URL. */
  n: number
  /** The kie.ai file URL (with its query, never printed: report uses redactUrl), or null. */
  url: string | null
  taskId: string | null
  /** The task's family when the file came from a task. */
  family: FamilyName | null
  /** An extra of `results: all` (thumbnail, cover, ...), not a main result. */
  extra: boolean
  status: FileStatus
  /** Absolute path of the file, when there is one. */
  path: string | null
  /** Path relative to the destination, with `/`, when known. */
  name: string | null
  bytes: number | null
  sha256: string | null
  contentType: string | null
  /** Why it failed (short, one line, no query strings), or null (also when `stoppedBy` says why). */
  error: string | null
  /** Set when the run's stop, not a failure of its own, kept it from arriving. */
  stoppedBy?: StoppedBy
  /** Milliseconds this file's transfer took (0 when nothing was transferred). */
  ms: number
  /** Positions ({index}) of earlier entries with the same URL: this one was fetched once for all. */
  sameAs?: number
}

/** One task of the run, in input order. */
export interface TaskResult {
  taskId: string
  type: FamilyName
  state: TaskState
  /** Number of result files the task gave (0 when it failed or timed out). */
  files: number
  /** Why it failed or timed out, or null (also when `stoppedBy` says why). */
  error: string | null
  /** Set when the run's stop, not the task itself, ended it before it settled. */
  stoppedBy?: StoppedBy
  /** Milliseconds from the first look until the task was settled. */
  ms: number
}

/** The whole run, as report/ sees it. */
export interface RunResult {
  files: FileResult[]
  tasks: TaskResult[]
  /** Absolute destination folder. */
  dir: string
  /** Why the run stopped early (cancelled, bad key, no credits), said once; null when it ran through. */
  stopped: string | null
  /** Wall time of the run in ms. */
  elapsedMs: number
}

/** How far a long download is, for its progress line. */
export interface Progress {
  bytes: number
  /** From Content-Length; null when the host did not say (or the body is encoded). */
  total: number | null
  elapsedMs: number
}

/** This runner's share of the entries (`index` is 1-based). */
export interface Shard {
  index: number
  total: number
}

/** Why a run has nothing to download. */
export interface EmptyList {
  /**
   * `none-given`: `urls`, `urls-file` and `task-ids` are all empty; `no-entries`: what they hold
   * lists nothing (blank lines, `#` comments, `[]`); `shard`: the list has entries, but none of
   * them is this shard's.
   */
  kind: 'none-given' | 'no-entries' | 'shard'
  /** The inputs that held the list (not empty), in the order they are read. */
  inputs: string[]
  /** The `urls-file` path as given, when it was. */
  file: string | null
  /** Entries in the whole list. */
  total: number
}
