// Before any request: what each distinct URL will be called, and what `if-exists` settles from the disk.
import type { Destination, RecordEntry } from './destination.js'
import { recordKey } from './destination.js'
import type { UrlEntry as Entry, Settings } from '../inputs/inputs.js'
import { NameRegistry, type UrlName, nameFromUrl, renderName } from './naming.js'

/** One distinct URL: listing a URL twice fetches it once (the first entry's name and task ID count). */
export interface Job {
  entry: Entry
  urlName: UrlName
  /** The final name when known before any request; null while it waits for a Content-Type. */
  name: string | null
  /** A file kept from an earlier run: what the record knows of it, if it is unchanged. */
  keep?: { known?: RecordEntry }
  /** Failed before any request (the name is taken and must be left alone). */
  early?: string
}

/**
 * Names every job it can now, in input order, and checks the disk. Names follow input order, with
 * two exceptions that keep re-runs stable: with `if-exists: skip`, a URL the record knows keeps its
 * recorded name, and every recorded name is taken for the rest. Once an entry's name waits for its
 * Content-Type, every later name waits too (it could collide), so nothing is decided on a guess.
 */
export async function planJobs(
  settings: Settings,
  dest: Destination,
  record: Map<string, RecordEntry>,
  registry: NameRegistry
): Promise<Job[]> {
  const seen = new Set<string>()
  const jobs: Job[] = settings.entries
    .filter(e => !seen.has(e.url) && seen.add(e.url))
    .map(entry => ({ entry, urlName: nameFromUrl(entry.url), name: null }))
  const skip = settings.ifExists === 'skip'
  const recorded = new Map<Job, RecordEntry>()
  if (skip) {
    for (const entry of record.values()) registry.reserve(entry.path)
    for (const job of jobs) {
      const known = record.get(recordKey(job.entry.url))
      if (known) {
        recorded.set(job, known)
        job.name = known.path
      }
    }
  }
  let certain = true
  for (const job of jobs) {
    if (job.name) continue
    if (!job.urlName.ext) certain = false
    if (certain)
      job.name = registry.claim(
        renderName(settings.filename, { ...job.urlName, ...job.entry }),
        job.urlName.ext
      )
  }
  if (settings.ifExists === 'overwrite') return jobs

  await Promise.all(
    jobs.map(async job => {
      if (!job.name) return
      if (!skip) {
        if (await dest.occupied(job.name)) job.early = taken(job.name, settings, '')
        return
      }
      const known = recorded.get(job)
      const there = await dest.existing(job.name)
      if (there && (!known || there.size === known.bytes)) {
        // Unchanged since it was recorded: its recorded hash stands; otherwise it is hashed.
        job.keep = { known: known && sameSecond(there.mtimeMs, known.mtimeMs) ? known : undefined }
      } else if (await dest.occupied(job.name)) {
        // A changed file, a folder or a link stands there: not this action's to replace.
        const why =
          there && known
            ? `, changed since an earlier run downloaded it (${there.size} bytes, not ${known.bytes})`
            : ''
        job.early = taken(job.name, settings, why)
      }
    })
  )
  return jobs
}

function taken(name: string, settings: Settings, why: string): string {
  return `${name} is already there${why}; left untouched (if-exists: ${settings.ifExists}; overwrite replaces it)`
}

/** Archives (e.g. actions/cache's tar) may keep time stamps to the second only. */
function sameSecond(a: number, b: number): boolean {
  return Math.trunc(a / 1000) === Math.trunc(b / 1000)
}
