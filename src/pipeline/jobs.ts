// The unit of work of the pipeline: one file to fetch, with the facts that arrive about it over time.
import type { EndpointName } from '../constants.js'
import type { RecordedFile } from '../place/record.js'
import { type UrlName, nameFromUrl } from '../util/names.js'
import type { FamilyName } from '../constants.js'
import type { FileResult } from '../results.js'

/** A promise with its resolve function, settled at most once, whose value can be read synchronously. */
export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  /** `{ value }` once settled, else undefined (the namer decides without waiting when it can). */
  peek: () => { value: T } | undefined
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let settled: { value: T } | undefined
  const promise = new Promise<T>(r => (resolve = r))
  return {
    promise,
    resolve: value => {
      if (settled) return
      settled = { value }
      resolve(value)
    },
    peek: () => settled
  }
}

/** Where a file came from: a listed URL, or a task's result. */
export interface FileOrigin {
  url: string
  taskId: string | null
  family: FamilyName | null
  endpoint: EndpointName
  /** 1-based position among its task's results ({n}); 1 for a listed URL. */
  n: number
  extra: boolean
  /** When kie.ai says the file's task was created (epoch ms), if it does: a dead link tells it. */
  createdAt?: number
}

/** What becomes of a job: decided once, before its work starts. */
export type Disposition =
  /** Resolve and download it: every job's lot until something else is decided. */
  | { readonly kind: 'fetch' }
  /** The same URL as an earlier job: fetched once, through `of`, and reported as it. */
  | { readonly kind: 'repeat'; readonly of: FileJob }
  /**
   * A file an earlier run placed (if-exists: skip): `known` is its record entry when unchanged
   * since (its hash stands), `fromRecordedTask` when the job was rebuilt from a recorded task (its
   * URL is the recorded one, without any query string, so its entry stays as it is).
   */
  | {
      readonly kind: 'keep'
      readonly known: RecordedFile | null
      readonly fromRecordedTask: boolean
    }
  /** Failed before any request (e.g. the name is taken with if-exists: fail): why. */
  | { readonly kind: 'refuse'; readonly why: string }

/** The lot of every job until something else is decided (one object for all: no allocation per job). */
export const FETCH: Disposition = Object.freeze({ kind: 'fetch' })

/** One file of the run, as the stages see it while it moves through them. */
export interface FileJob extends FileOrigin {
  urlName: UrlName
  /** 1-based position in the whole expanded list ({index}); 0 until the namer reaches it. */
  index: number
  /** The final name (relative, with `/`), once decided. */
  name: string | null
  /** Settles once `name` is decided (the namer goes in input order). */
  named: Deferred<void>
  /** The extension the response's Content-Type gives ('' when none, or when no response came). */
  ext: Deferred<string>
  /** Position of its listing in the input list: a repeat may only point at an earlier position. */
  readonly position: number
  /** What becomes of it; changed only through decide(), once. */
  readonly disposition: Disposition
  /** Another shard's file: named with the whole list (so this shard's names agree), never fetched. */
  readonly foreign: boolean
  /**
   * A sharded run names a URL without an extension before its Content-Type is known: this is its
   * name without the extension, kept from every name it could become; `name` is it plus the
   * extension once the response gives one.
   */
  openBase?: string
  /** The job's outcome, once placed, kept or failed. */
  result: Deferred<FileResult>
}

export function newJob(
  origin: FileOrigin,
  position: number,
  disposition: Disposition = FETCH,
  foreign = false
): FileJob {
  const urlName = nameFromUrl(origin.url)
  const ext = deferred<string>()
  if (urlName.ext) ext.resolve(urlName.ext)
  return {
    ...origin,
    urlName,
    position,
    disposition,
    foreign,
    index: 0,
    name: null,
    named: deferred<void>(),
    ext,
    result: deferred<FileResult>()
  }
}

/** Decides what becomes of a job still to fetch: once, before its work starts. */
export function decide(job: FileJob, disposition: Exclude<Disposition, { kind: 'fetch' }>): void {
  if (job.disposition.kind !== 'fetch') {
    throw new Error(
      `a job already decided (${job.disposition.kind}) cannot become ${disposition.kind}`
    )
  }
  ;(job as { disposition: Disposition }).disposition = disposition
}

/** The earlier job this one repeats (same URL), if it does. */
export function repeatOf(job: FileJob): FileJob | undefined {
  return job.disposition.kind === 'repeat' ? job.disposition.of : undefined
}
