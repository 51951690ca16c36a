// Names files in input order as their facts arrive, so the same input gives the same names whatever finishes first.
import type { TaskEntry } from '../inputs/inputs.js'
import { type NameRegistry } from '../place/naming.js'
import { extPlacement, renderName } from '../util/names.js'
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

export interface NamerOptions {
  /**
   * A sharded run: every name comes from the list alone, never from a response, so that every
   * shard gives every entry the same name. A URL without an extension claims its name for any
   * extension at once (NameRegistry.claimOpen) and is named in full when its Content-Type comes;
   * nothing waits for it.
   */
  fromListOnly?: boolean
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
  /** Whether names are decided from the list alone, and whether the extension changes a name. */
  private readonly fromListOnly: boolean
  private readonly extMatters: boolean

  constructor(slots: Slot[], template: string, registry: NameRegistry, options: NamerOptions = {}) {
    this.slots = slots
    this.template = template
    this.registry = registry
    this.fromListOnly = options.fromListOnly ?? false
    this.extMatters = extPlacement(template) !== 'none'
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
    if (this.fromListOnly && job.name === null && !job.urlName.ext) {
      this.nameLater(job)
      return null
    }
    if (job.name === null) {
      if (job.dupOf) {
        if (!job.dupOf.named.peek()) return job.dupOf.named.promise
        job.name = job.dupOf.name
      } else {
        // From the list alone, an extension the name does not show is not waited for.
        const ext = job.urlName.ext || (this.fromListOnly ? '' : job.ext.peek())
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

  /**
   * From the list alone: a URL without an extension (or a repeat of one) takes its place and its
   * `{index}` now, and its name once its response says what extension it gets.
   */
  private nameLater(job: FileJob): void {
    job.index = ++this.index
    const first = job.dupOf
    if (first) {
      void first.named.promise.then(() => {
        job.name = first.name
        job.named.resolve()
      })
      return
    }
    const parts = { ...job.urlName, ext: '', index: job.index, n: job.n, taskId: job.taskId }
    const base = renderName(this.template, parts)
    if (!this.extMatters) {
      job.name = this.registry.claim(base, '')
      job.named.resolve()
      return
    }
    const open = this.registry.claimOpen(base)
    job.openBase = open
    void job.ext.promise.then(ext => {
      job.name = open + ext
      job.named.resolve()
    })
  }
}
