// Names files in input order as their facts arrive, so the same input gives the same names whatever finishes first.
import type { TaskEntry } from '../inputs/inputs.js'
import { type NameRegistry, renderName } from '../place/naming.js'
import type { Deferred, FileJob } from './jobs.js'

/** One listed entry: a URL gives one file; a task gives its results once it has finished. */
export type Slot =
  | { kind: 'url'; job: FileJob }
  | {
      kind: 'task'
      entry: TaskEntry
      /** The task's files, once it has settled ([] when it yielded none). */
      jobs: Deferred<FileJob[]>
      /** The position ({index}) of the row that reports a task without files. */
      placeholderIndex?: number
      /** The earlier slot listing the same task: this one shares its lookup and its files. */
      repeats?: Extract<Slot, { kind: 'task' }>
    }

/**
 * Walks the slots in input order. A name is decided as soon as everything before it is named and
 * its own extension is known (from the URL, or from the response's Content-Type): only a name that
 * waits for an earlier entry waits. `{index}` counts files, each task's results in its place.
 */
export class Namer {
  private slot = 0
  private inSlot = 0
  private index = 0
  private readonly slots: Slot[]
  private readonly template: string
  private readonly registry: NameRegistry

  constructor(slots: Slot[], template: string, registry: NameRegistry) {
    this.slots = slots
    this.template = template
    this.registry = registry
  }

  /** Names all it can now; returns what it waits for next, or null when every slot is named. */
  advance(): Promise<unknown> | null {
    for (; this.slot < this.slots.length; this.slot++, this.inSlot = 0) {
      const s = this.slots[this.slot]
      let jobs: FileJob[]
      if (s.kind === 'url') jobs = [s.job]
      else {
        const settled = s.jobs.peek()
        if (!settled) return s.jobs.promise
        jobs = settled.value
        if (jobs.length === 0 && s.placeholderIndex === undefined) s.placeholderIndex = ++this.index
      }
      for (; this.inSlot < jobs.length; this.inSlot++) {
        const waitFor = this.tryName(jobs[this.inSlot])
        if (waitFor) return waitFor
      }
    }
    return null
  }

  /** Names every slot, waiting for facts as needed. */
  async run(): Promise<void> {
    for (let waitFor = this.advance(); waitFor; waitFor = this.advance()) await waitFor
  }

  private tryName(job: FileJob): Promise<unknown> | null {
    if (job.name === null) {
      if (job.dupOf) {
        if (!job.dupOf.named.peek()) return job.dupOf.named.promise
        job.name = job.dupOf.name
      } else {
        const ext = job.urlName.ext || job.ext.peek()
        if (ext === undefined) return job.ext.promise
        const chosen = typeof ext === 'string' ? ext : ext.value
        job.index = this.index + 1
        job.name = this.registry.claim(
          renderName(this.template, {
            ...job.urlName,
            ext: chosen,
            index: job.index,
            n: job.n,
            taskId: job.taskId
          }),
          chosen
        )
      }
    }
    job.index = ++this.index
    job.named.resolve()
    return null
  }
}
