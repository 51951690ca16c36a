// Before any request: what the record and the disk settle (if-exists), and every name that is certain already.
import type { IfExists } from '../inputs/inputs.js'
import type { Destination } from '../place/destination.js'
import type { NameRegistry } from '../place/naming.js'
import type { DownloadRecord, RecordedFile } from '../place/record.js'
import { type FileJob, newJob } from './jobs.js'
import type { Namer, Slot } from './namer.js'

/**
 * With `if-exists: skip`, a URL the record knows keeps its recorded name and every recorded name
 * is taken for the rest, so re-runs give stable names; a task whose recorded files are all there
 * is settled from the record, without a single API call. Then the namer names what it can (in
 * input order, up to the first name that needs a response), and the disk is checked for those.
 */
export async function plan(
  slots: Slot[],
  ifExists: IfExists,
  dest: Destination,
  record: DownloadRecord,
  registry: NameRegistry,
  namer: Namer
): Promise<void> {
  const skip = ifExists === 'skip'
  const recorded = new Map<FileJob, RecordedFile>()
  if (skip) {
    for (const file of record.allFiles()) registry.reserve(file.path)
    for (const slot of slots) {
      if (slot.kind === 'url') {
        const known = record.file(slot.job.url)
        if (known && !slot.job.dupOf) {
          recorded.set(slot.job, known)
          slot.job.name = known.path
        }
      } else {
        const jobs = await recordedTask(slot, slots.indexOf(slot), dest, record)
        if (jobs) slot.jobs.resolve(jobs)
      }
    }
  }
  namer.advance()
  if (ifExists === 'overwrite') return

  const named = slots.flatMap(s => (s.kind === 'url' ? [s.job] : (s.jobs.peek()?.value ?? [])))
  await Promise.all(
    named.map(async job => {
      if (!job.name || job.dupOf || job.keep) return
      if (!skip) {
        if (await dest.occupied(job.name)) job.early = taken(job.name, ifExists, '')
        return
      }
      const known = recorded.get(job)
      const there = await dest.existing(job.name)
      if (there && (!known || there.size === known.bytes)) {
        // Unchanged since it was recorded: its recorded hash stands; otherwise it is hashed.
        job.keep = { known: known?.unchanged ? known : undefined }
      } else if (await dest.occupied(job.name)) {
        // A changed file, a folder or a link stands there: not this action's to replace.
        const why =
          there && known
            ? `, changed since an earlier run downloaded it (${there.size} bytes, not ${known.bytes})`
            : ''
        job.early = taken(job.name, ifExists, why)
      }
    })
  )
}

/** The kept jobs of a task whose recorded files are all still there, unchanged in size; else null. */
async function recordedTask(
  slot: Extract<Slot, { kind: 'task' }>,
  position: number,
  dest: Destination,
  record: DownloadRecord
): Promise<FileJob[] | null> {
  const task = record.task(slot.entry.taskId)
  if (!task || task.type !== slot.entry.type || task.files.length === 0) return null
  const jobs: FileJob[] = []
  for (const [i, file] of task.files.entries()) {
    // A file changed since (another size) means the task is looked up and fetched again.
    const there = file.unchanged ? file : await dest.existing(file.path)
    if (!there || ('size' in there ? there.size : there.bytes) !== file.bytes) return null
    const job = newJob(
      {
        url: file.url,
        taskId: slot.entry.taskId,
        family: slot.entry.type,
        endpoint: slot.entry.endpoint,
        n: i + 1,
        extra: false
      },
      position
    )
    job.name = file.path
    job.keep = { known: file.unchanged ? file : undefined }
    jobs.push(job)
  }
  return jobs
}

function taken(name: string, ifExists: IfExists, why: string): string {
  return `${name} is already there${why}; left untouched (if-exists: ${ifExists}; overwrite replaces it)`
}
