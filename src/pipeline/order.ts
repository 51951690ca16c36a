// The order files start in: likely-long files first, so that none of them becomes a late tail.
import * as mime from '../util/mime.js'
import type { FileJob } from './jobs.js'

/**
 * A file's weight for the start order, guessed from its URL's extension before anything is known
 * of its size: no extension -1, video 0, audio 1, anything else 2. A URL without an extension
 * goes first: its name waits for its Content-Type, and every later name waits for its name.
 */
function weight(job: FileJob): number {
  if (!job.urlName.ext) return -1
  const type = mime.lookup(job.urlName.ext)
  if (!type) return 2
  if (type.startsWith('video/')) return 0
  if (type.startsWith('audio/')) return 1
  return 2
}

/**
 * URLs without an extension, videos, audio, then the rest, each group in input order (a stable
 * sort). Videos first is the "longest first" rule for spreading jobs over parallel machines: a
 * 50 MiB video listed after forty images would otherwise get its signed URL only once every image
 * had its own, and then finish alone on one connection while the others sit idle. Starting it
 * first lets the images fill the connections around it. Names do not depend on this order (the
 * namer goes in input order); a file lands once its name is decided, and names after a URL without
 * an extension wait for that URL's Content-Type, hence those go first of all.
 */
export function startOrder(jobs: readonly FileJob[]): FileJob[] {
  return jobs
    .map((job, at) => ({ job, at, weight: weight(job) }))
    .sort((a, b) => a.weight - b.weight || a.at - b.at)
    .map(({ job }) => job)
}
