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
  /** Position of its slot in the input list: a repeat may only point at an earlier slot. */
  slot: number
  /** The first job with the same URL: this one is fetched once, through it. */
  dupOf?: FileJob
  /** A file kept from an earlier run (if-exists: skip); its record entry when unchanged since. */
  keep?: { known?: RecordedFile }
  /** Rebuilt from a recorded task (its URL is the recorded one, without any query string). */
  fromRecord?: boolean
  /** Failed before any request (e.g. the name is taken with if-exists: fail). */
  early?: string
  /** Another shard's file: named with the whole list (so this shard's names agree), never fetched. */
  foreign?: boolean
  /**
   * A sharded run names a URL without an extension before its Content-Type is known: this is its
   * name without the extension, kept from every name it could become; `name` is it plus the
   * extension once the response gives one.
   */
  openBase?: string
  /** The job's outcome, once placed, kept or failed. */
  result: Deferred<FileResult>
}

export function newJob(origin: FileOrigin, slot: number): FileJob {
  const urlName = nameFromUrl(origin.url)
  const ext = deferred<string>()
  if (urlName.ext) ext.resolve(urlName.ext)
  return {
    ...origin,
    urlName,
    slot,
    index: 0,
    name: null,
    named: deferred<void>(),
    ext,
    result: deferred<FileResult>()
  }
}
