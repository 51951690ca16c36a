// The kie.ai model families in task mode: where each one's task details live and how to read them.

/** Every `task-type` value, in the order the README's table lists them. */
export const FAMILY_NAMES = [
  'market',
  '4o-image',
  'flux-kontext',
  'veo',
  'runway',
  'aleph',
  'luma',
  'midjourney',
  'suno',
  'suno-wav',
  'suno-stems',
  'suno-mp4',
  'suno-cover'
] as const

export type FamilyName = (typeof FAMILY_NAMES)[number]

/** What one task-details answer (`data` of the envelope) says, read the same way for every family. */
export interface TaskView {
  /** running: keep polling; unknown: a status value no document names (keep polling, log it once). */
  state: 'running' | 'success' | 'failed' | 'unknown'
  /** The raw status value as kie.ai sent it, for logs (e.g. "GENERATING", "0", "queuing"). */
  raw: string
  /** Progress as kie.ai reports it, when it does (e.g. "0.48"), else null. */
  progress: string | null
  /** Result file URLs, in kie.ai's order (results: main). */
  main: string[]
  /** The extras of `results: all` (thumbnails, covers, watermarked, stream, origin copies). */
  extras: string[]
  /** On failure: kie.ai's reason with its code, e.g. `GENERATE_FAILED (400): content policy`. */
  error: string | null
}

/** One family: its endpoint and how to read its answer. */
export interface FamilyAdapter {
  /** Path of the task-details endpoint, e.g. `/api/v1/jobs/recordInfo`. */
  path: string
  /** Reads the envelope's `data` (any shape: be defensive, never throw). */
  read: (data: unknown) => TaskView
}
