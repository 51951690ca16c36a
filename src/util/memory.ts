// Keeps memory flat for big batches and big files: a small young generation, and a minor GC every few MiB streamed.
import v8 from 'node:v8'
import vm from 'node:vm'

/**
 * Every chunk a socket reads is a fresh Buffer whose memory V8 returns only after a GC. At
 * hundreds of MiB/s, tens of MiB of chunks already written out pile up before V8 collects
 * (measured with `npm run bench -- --scenario big`: 1 GiB peaks at ~145 MiB RSS without this,
 * ~90 MiB with it). A minor GC of a small young generation takes well under a millisecond; one
 * every 2 MiB costs no measurable throughput.
 */
export const RELEASE_EVERY_BYTES = 2 * 1024 * 1024

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void

let gc: Gc | null = null
let sinceLast = 0

/**
 * Called once at start. The runner starts `node dist/index.js` without flags, so the tuning is
 * done here: V8 otherwise grows the young generation to 64 MiB for this process's many short-lived
 * request objects, of which under 2 MiB survive (1,000 files peaked at ~150 MiB RSS, ~113 MiB
 * with a young generation kept at its initial size, at the same wall time).
 *
 * Kept after the start-up work of issue 13 because it still pays for itself, measured on bundles
 * built with and without it (`npm run bench -- --scenario big|many|start --dist ...`, 2-core machine):
 * the 1 GiB file peaks at 82-84 MiB RSS with it and 111-112 MiB without (the target is 100 MiB),
 * 10,000 small files at 255-261 MiB with it and 376-394 MiB without, at the same wall time;
 * its own cost at start is 3-4 ms (flags ~2.5 ms, the `gc` context ~1.2 ms), below the start-up
 * scenario's noise (86-91 ms with it, 95 ms without).
 *
 * Safe when refused: V8 ignores a flag it does not know (with a line on stderr, no exception),
 * and if `gc` was not exposed its lookup throws, leaving `gc` null; streamed() then does nothing
 * and memory is left to V8's defaults.
 */
export function tuneHeap(): void {
  try {
    v8.setFlagsFromString('--semi-space-growth-factor=1')
    v8.setFlagsFromString('--expose-gc')
    gc = vm.runInNewContext('gc') as Gc
  } catch {
    gc = null
  }
}

/** Counts streamed bytes (across all downloads) and runs a minor GC every RELEASE_EVERY_BYTES. */
export function streamed(bytes: number): void {
  sinceLast += bytes
  if (sinceLast < RELEASE_EVERY_BYTES) return
  sinceLast = 0
  gc?.({ type: 'minor' })
}
