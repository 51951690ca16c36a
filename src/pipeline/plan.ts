// Before any request: what the record and the disk settle (if-exists), and every name that is certain already.
import type { IfExists, ResultsChoice } from '../inputs/inputs.js'
import type { Destination } from '../place/destination.js'
import type { NameRegistry } from '../place/naming.js'
import type { DownloadRecord, RecordedFile } from '../place/record.js'
import { type FileJob, decide, newJob, repeatOf } from './jobs.js'
import type { Listing, TaskListing } from './listings.js'
import type { Namer } from './namer.js'

/** What plan() reads and decides with. */
export interface PlanContext {
  listings: readonly Listing[]
  ifExists: IfExists
  results: ResultsChoice
  dest: Destination
  record: DownloadRecord
  registry: NameRegistry
  namer: Namer
  /** A sharded run: names come from the list alone (see the Namer). */
  fromListOnly: boolean
}

/**
 * With `if-exists: skip`, a URL the record knows keeps its recorded name and every recorded name
 * is taken for the rest, so re-runs give stable names; a task whose recorded files are all there
 * is settled from the record, without a single API call. Then the namer names what it can (in
 * input order, up to the first name that needs a response), and the disk is checked for those.
 *
 * A sharded run (`fromListOnly`) names from the list alone: each shard's record knows only its own
 * history, so it decides no name there; it only recognises files already at the names the list
 * gives (listRecorded).
 */
export async function plan(context: PlanContext): Promise<void> {
  const { listings, ifExists, dest, record, namer, fromListOnly } = context
  const skip = ifExists === 'skip'
  let recorded = new Map<FileJob, RecordedFile>()
  if (skip && !fromListOnly) recorded = await fromRecord(context)
  namer.advance()
  if (ifExists === 'overwrite') return

  const named = listings
    .flatMap(l => (l.kind === 'url' ? [l.job] : (l.jobs.peek()?.value ?? [])))
    .filter(job => !job.foreign)
  if (skip && fromListOnly) recorded = listRecorded(named, record)
  const others = skip && fromListOnly ? record : undefined
  await Promise.all(named.map(job => checkDisk(job, ifExists, dest, recorded.get(job), others)))
}

/**
 * `if-exists: skip`, not sharded: every recorded name is taken, a URL the record knows keeps its
 * recorded name, and a task whose recorded files are all there is settled. Returns what the record
 * knows of each listed URL's file.
 */
async function fromRecord(context: PlanContext): Promise<Map<FileJob, RecordedFile>> {
  const { listings, results, dest, record, registry } = context
  const recorded = new Map<FileJob, RecordedFile>()
  for (const file of record.allFiles()) registry.reserve(file.path)
  for (const listing of listings) {
    if (listing.kind === 'url') {
      const known = record.file(listing.job.url)
      if (known && !repeatOf(listing.job)) {
        recorded.set(listing.job, known)
        listing.job.name = known.path
      }
    } else if (!listing.repeats) {
      const jobs = await recordedTask(listing, results, dest, record)
      if (jobs) listing.jobs.resolve(jobs)
    }
  }
  return recorded
}

/**
 * Sharded, `if-exists: skip`: what the record knows of files at the names the list gives. A URL
 * without an extension is kept when its recorded file is the list's name with the recorded
 * extension (and unchanged): no request is needed to learn it.
 */
function listRecorded(jobs: FileJob[], record: DownloadRecord): Map<FileJob, RecordedFile> {
  const out = new Map<FileJob, RecordedFile>()
  for (const job of jobs) {
    const known = repeatOf(job) ? undefined : record.file(job.url)
    if (!known) continue
    if (job.name !== null && known.path === job.name) out.set(job, known)
    const base = job.openBase
    if (base === undefined || !known.unchanged) continue
    const rest = known.path.slice(base.length)
    if (known.path.startsWith(base) && /^(\.[A-Za-z0-9]{1,15})?$/.test(rest)) {
      decide(job, { kind: 'keep', known, fromRecordedTask: false })
      job.ext.resolve(rest)
    }
  }
  return out
}

/**
 * A task's file, known only once the task finished. With `if-exists: skip`, one an earlier run
 * recorded (a run cancelled half-way through this task) keeps its recorded name and, when it is
 * still there, is kept instead of fetched again.
 */
export async function planLateJob(
  job: FileJob,
  ifExists: IfExists,
  dest: Destination,
  record: DownloadRecord
): Promise<void> {
  if (ifExists !== 'skip' || repeatOf(job)) return
  const known = record.file(job.url)
  if (!known) return
  job.name = known.path
  await checkDisk(job, ifExists, dest, known)
}

/**
 * What the disk settles for a named job: keep it (skip), refuse it (fail, a changed file, or, in a
 * sharded run, the recorded file of another URL: `others`), or fetch it.
 */
async function checkDisk(
  job: FileJob,
  ifExists: IfExists,
  dest: Destination,
  known: RecordedFile | undefined,
  others?: DownloadRecord
): Promise<void> {
  if (ifExists === 'overwrite' || !job.name || job.disposition.kind !== 'fetch') return
  if (ifExists === 'fail') {
    if (await dest.occupied(job.name)) decide(job, refuse(taken(ifExists, '')))
    return
  }
  if (!known && others?.heldByOther(job.name, job.url)) {
    decide(job, refuse(taken(ifExists, OTHER_URL)))
    return
  }
  const there = await dest.existing(job.name)
  if (there && (!known || there.size === known.bytes)) {
    // Unchanged since it was recorded: its recorded hash stands; otherwise it is hashed.
    decide(job, { kind: 'keep', known: known?.unchanged ? known : null, fromRecordedTask: false })
  } else if (await dest.occupied(job.name)) {
    // A changed file, a folder or a link stands there: not this action's to replace.
    const why =
      there && known
        ? `, changed since an earlier run downloaded it (${there.size} bytes, not ${known.bytes})`
        : ''
    const outside = await dest.leadsOutside(job.name)
    decide(
      job,
      refuse(
        outside
          ? 'refused: its folder leads outside the destination (a symlink); nothing there is touched'
          : taken(ifExists, why)
      )
    )
  }
}

function refuse(why: string): { kind: 'refuse'; why: string } {
  return { kind: 'refuse', why }
}

/** The kept jobs of a task whose recorded files are all still there, unchanged in size; else null. */
async function recordedTask(
  listing: TaskListing,
  results: ResultsChoice,
  dest: Destination,
  record: DownloadRecord
): Promise<FileJob[] | null> {
  const { entry, position } = listing
  const task = record.task(entry.taskId, results)
  if (!task || task.type !== entry.type || task.files.length === 0) return null
  const jobs: FileJob[] = []
  for (const [i, file] of task.files.entries()) {
    // Checked as a fresh placement is: a file in folders really inside the destination (one
    // replaced by a symlink to elsewhere vouches for nothing), of its recorded size. Otherwise the
    // task is looked up and fetched again.
    const there = await dest.existing(file.path)
    if (!there || there.size !== file.bytes) return null
    const job = newJob(
      {
        url: file.url,
        taskId: entry.taskId,
        family: entry.type,
        endpoint: entry.endpoint,
        n: i + 1,
        extra: i >= task.main
      },
      position,
      { kind: 'keep', known: file.unchanged ? file : null, fromRecordedTask: true }
    )
    job.name = file.path
    jobs.push(job)
  }
  return jobs
}

/** Why a sharded run leaves a file alone that an earlier run recorded for another URL. */
export const OTHER_URL = ", the file of another URL from an earlier run (the list's order changed?)"

/** The log line and the summary row name the file already: this says what happened to it. */
export function taken(ifExists: IfExists, why: string): string {
  return `already there${why}; left untouched (if-exists: ${ifExists}; overwrite replaces it)`
}
