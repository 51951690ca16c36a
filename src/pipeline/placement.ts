// A finished transfer under its name: placed, kept, skipped or refused, with the time stamp the record keeps.
import { errorMessage } from '../errors.js'
import type { IfExists } from '../inputs/inputs.js'
import type { Downloaded } from '../download/download.js'
import type { Destination } from '../place/destination.js'
import type { DownloadRecord } from '../place/record.js'
import type { FileResult } from '../results.js'
import type { Work } from './fetch.js'
import type { FileJob } from './jobs.js'
import { OTHER_URL, taken } from './plan.js'
import { arrivedRow, failedRow } from './rows.js'
import type { RunStop } from './stop.js'

export interface PlacementContext {
  dest: Destination
  record: DownloadRecord
  ifExists: IfExists
  /** A sharded run, which names from the list alone. */
  sharded: boolean
  stop: RunStop
  signal: AbortSignal
}

/** A job's row, and its file's time stamp when this run placed it (null: the disk says, if asked). */
export interface Landing {
  result: FileResult
  mtimeMs: number | null
}

/** Places what a named job's transfer brought (or reports why not). */
export async function place(job: FileJob, work: Work, ctx: PlacementContext): Promise<Landing> {
  if (work.kind === 'failed') return { result: failedRow(job, work, work.ms), mtimeMs: null }
  if (work.kind === 'kept') {
    const { bytes, sha256, contentType } = work
    const path = ctx.dest.pathOf(job.name as string)
    return {
      result: arrivedRow(job, 'skipped', { path, bytes, sha256, contentType }),
      mtimeMs: null
    }
  }
  const { file, ms } = work
  try {
    return await placeDownloaded(job, file, ms, ctx)
  } catch (error) {
    await ctx.dest.removeTemp(file.tempPath)
    const full = ctx.dest.diskFull(error)
    if (full) ctx.stop.raise(full.message)
    return { result: failedRow(job, { error: errorMessage(full ?? error) }, ms), mtimeMs: null }
  }
}

async function placeDownloaded(
  job: FileJob,
  file: Downloaded,
  ms: number,
  ctx: PlacementContext
): Promise<Landing> {
  const { dest, ifExists } = ctx
  const name = job.name as string
  // A name only known now (extension from Content-Type) may turn out to be taken: skip honours it
  // too, unless (a sharded run, which names from the list alone) it is another URL's file.
  if (ifExists === 'skip' && ctx.sharded && ctx.record.heldByOther(name, job.url)) {
    await dest.removeTemp(file.tempPath)
    return { result: failedRow(job, { error: taken('skip', OTHER_URL) }, ms), mtimeMs: null }
  }
  if (ifExists === 'skip' && (await dest.existing(name))) {
    await dest.removeTemp(file.tempPath)
    const { bytes, sha256 } = await dest.hash(name, ctx.signal)
    const facts = { path: dest.pathOf(name), bytes, sha256, contentType: file.contentType }
    return { result: arrivedRow(job, 'skipped', facts), mtimeMs: null }
  }
  const placed = await dest.place(file.tempPath, name, ifExists === 'overwrite', file.mtimeMs)
  const { bytes, sha256, contentType } = file
  return {
    result: arrivedRow(job, 'downloaded', { path: placed.path, bytes, sha256, contentType }, ms),
    mtimeMs: placed.mtimeMs
  }
}
