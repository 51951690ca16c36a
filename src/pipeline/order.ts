// The order files start in: likely-long files first, so that none of them becomes a late tail.
import * as mime from '../util/mime.js'
import type { FileJob } from './jobs.js'

/**
 * A file's weight for the start order, guessed from its URL's extension before anything is known
 * of its size: video 0, audio 1, anything else 2.
 */
function weight(job: FileJob): number {
  const type = job.urlName.ext ? mime.lookup(job.urlName.ext) : false
  if (!type) return 2
  if (type.startsWith('video/')) return 0
  if (type.startsWith('audio/')) return 1
  return 2
}

/**
 * Videos, then audio, then the rest, each group in input order (a stable sort). This is the
 * "longest first" rule for spreading jobs over parallel machines: a 50 MiB video listed after forty
 * images would otherwise get its signed URL only once every image had its own, and then finish
 * alone on one connection while the others sit idle. Starting it first lets the images fill the
 * connections around it. Names do not depend on this order (the namer goes in input order), and
 * files land as they finish anyway.
 */
export function startOrder(jobs: readonly FileJob[]): FileJob[] {
  return jobs
    .map((job, at) => ({ job, at, weight: weight(job) }))
    .sort((a, b) => a.weight - b.weight || a.at - b.at)
    .map(({ job }) => job)
}
