// Names files in input order as their facts arrive, so the same input gives the same names whatever finishes first.
import { type NameRegistry } from '../place/naming.js'
import { extPlacement, renderName } from '../util/names.js'
import { type FileJob, repeatOf } from './jobs.js'
import type { Listing } from './listings.js'

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
 * Walks the listings in input order. A name is decided as soon as everything before it is named and
 * its own extension is known (from the URL, or from the response's Content-Type): only a name that
 * waits for an earlier entry waits. `{index}` counts files, each task's results in its place.
 */
export class Namer {
  /** The listing it is at, and the job within it. */
  private at = 0
  private inListing = 0
  private index = 0
  private readonly listings: readonly Listing[]
  private readonly template: string
  private readonly registry: NameRegistry
  /** Whether names are decided from the list alone, and whether the extension changes a name. */
  private readonly fromListOnly: boolean
  private readonly extMatters: boolean

  constructor(
    listings: readonly Listing[],
    template: string,
    registry: NameRegistry,
    options: NamerOptions = {}
  ) {
    this.listings = listings
    this.template = template
    this.registry = registry
    this.fromListOnly = options.fromListOnly ?? false
    this.extMatters = extPlacement(template) !== 'none'
  }

  /** Names all it can now; returns what it waits for next, or null when every listing is named. */
  advance(): Promise<unknown> | null {
    for (; this.at < this.listings.length; this.at++, this.inListing = 0) {
      const l = this.listings[this.at]
      let jobs: FileJob[]
      if (l.kind === 'url') jobs = [l.job]
      else {
        const settled = l.jobs.peek()
        if (!settled) return l.jobs.promise
        jobs = settled.value
        if (jobs.length === 0 && l.placeholderIndex === undefined) l.placeholderIndex = ++this.index
      }
      for (; this.inListing < jobs.length; this.inListing++) {
        const waitFor = this.tryName(jobs[this.inListing])
        if (waitFor) return waitFor
      }
    }
    return null
  }

  /** Names every listing, waiting for facts as needed. */
  async run(): Promise<void> {
    for (let waitFor = this.advance(); waitFor; waitFor = this.advance()) await waitFor
  }

  private tryName(job: FileJob): Promise<unknown> | null {
    if (this.fromListOnly && job.name === null && !job.urlName.ext) {
      this.nameLater(job)
      return null
    }
    if (job.name === null) {
      const first = repeatOf(job)
      if (first) {
        if (!first.named.peek()) return first.named.promise
        job.name = first.name
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
    const first = repeatOf(job)
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
