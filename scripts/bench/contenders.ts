// What the benchmark races: the bundled action, the curl script users would write, a minimal Node client, a bare `node -e`.
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { DIST, makeWorkspace, runDist } from '../runner.ts'
import type { BenchHost } from './host.ts'

const PROBE = path.join(import.meta.dirname, '..', 'peak-rss.cjs')
const MINIMAL = path.join(import.meta.dirname, 'minimal-client.ts')

/** The bundle the benchmark runs: dist/index.js unless `--dist` names another (a build in /tmp). */
let dist = DIST

export function useDist(file: string): void {
  dist = path.resolve(file)
}

/**
 * runDist always appends dist/index.js; naming another bundle first makes node run that one
 * (dist/index.js is then only an argument, which the action never reads).
 */
export function bundleArgs(): string[] {
  return dist === DIST ? [] : [dist]
}

export interface ActionRun {
  ms: number
  /** From spawning the process to the first request reaching the host (ms). */
  startupMs: number
  rssKib: number
  failed: number
  apiCalls: number
  rateLimited: number
  /**
   * Lines the action printed (stdout and stderr) but `::debug::` ones, which the runner shows only
   * in debug mode; how many of them were `::add-mask::`; and the `::debug::` lines apart.
   */
  logLines: number
  masks: number
  debugLines: number
}

/** One run of the bundle (dist/index.js or `--dist`) as the runner runs it, at default settings but `concurrency`. */
export async function runAction(
  host: BenchHost,
  urls: string[],
  concurrency: number,
  expectBytes: number
): Promise<ActionRun> {
  const workspace = makeWorkspace()
  const rssFile = path.join(path.dirname(workspace.dir), 'rss')
  // A file, not `urls`: 10,000 URLs are more than one environment variable may hold.
  writeFileSync(path.join(workspace.dir, 'urls.txt'), urls.join('\n'))
  host.reset()
  try {
    const run = await runDist(
      {
        'api-key': host.apiKey,
        'base-url': host.baseUrl,
        'urls-file': 'urls.txt',
        concurrency: String(concurrency)
      },
      {
        workspace,
        nodeArgs: [`--require=${PROBE}`, ...bundleArgs()],
        env: { PEAK_RSS_FILE: rssFile },
        timeoutMs: 1_800_000
      }
    )
    // Over 1 MB (10,000 files) the `files` output is left unset: the manifest file holds the array.
    const files: Array<Record<string, unknown>> =
      run.outputs.files === undefined && run.outputs.manifest
        ? JSON.parse(readFileSync(run.outputs.manifest, 'utf8'))
        : run.files
    const failed = files.filter(f => f.status === 'failed').length
    const bytes = files.reduce((sum, f) => sum + Number(f.bytes ?? 0), 0)
    // Failed entries are a result (the rate-limit scenario counts them); anything else is a broken run.
    if (files.length !== urls.length || (failed === 0 && bytes !== expectBytes)) {
      throw new Error(
        `action run failed (exit ${run.code}, ${files.length} entries, ${bytes} of ${expectBytes} bytes):\n${run.log.slice(-2000)}`
      )
    }
    const counters = host.counters()
    const all = run.log.split('\n').filter(line => line !== '')
    const lines = all.filter(line => !line.startsWith('::debug::'))
    return {
      ms: run.ms,
      startupMs: (counters.firstRequestEpoch ?? NaN) - run.startedAt,
      rssKib: Number(readFileSync(rssFile, 'utf8')),
      failed,
      apiCalls: counters.apiCalls,
      rateLimited: counters.rateLimited,
      logLines: lines.length,
      masks: lines.filter(line => line.startsWith('::add-mask::')).length,
      debugLines: all.length - lines.length
    }
  } finally {
    workspace.cleanup()
  }
}

export interface PlainRun {
  ms: number
  failed: number
  /** From spawning to the first request reaching the host (ms). */
  startupMs: number
}

/** The script users would otherwise write: per URL, curl the API, jq the signed URL, curl the file. */
const SCRIPT = `
resolve_and_fetch() {
  signed=$(curl -sS -X POST "$BASE/api/v1/common/download-url" \\
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
    -d "{\\"url\\": \\"$1\\"}" | jq -r .data) || exit 1
  curl -sS --fail -o "$OUT/$(basename "$1")" "$signed"
}
export -f resolve_and_fetch
xargs -P "$C" -n 1 bash -c 'resolve_and_fetch "$0"' < "$LIST"
`

/** Runs the curl script; a file it did not get counts as failed (it has no retries of its own). */
export async function runScript(
  host: BenchHost,
  urls: string[],
  concurrency: number
): Promise<PlainRun> {
  return runPlain(host, urls, out => ['bash', ['-c', SCRIPT], { C: String(concurrency), OUT: out }])
}

/** Runs scripts/bench/minimal-client.ts: the least work per file, in Node. */
export async function runMinimal(
  host: BenchHost,
  urls: string[],
  concurrency: number
): Promise<PlainRun> {
  return runPlain(host, urls, out => [
    process.execPath,
    [MINIMAL],
    { C: String(concurrency), OUT: out }
  ])
}

async function runPlain(
  host: BenchHost,
  urls: string[],
  command: (out: string) => [string, string[], Record<string, string>]
): Promise<PlainRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kie-bench-plain-'))
  const list = path.join(dir, 'urls.txt')
  const out = path.join(dir, 'out')
  writeFileSync(list, urls.join('\n') + '\n')
  mkdirSync(out)
  host.reset()
  try {
    const [file, args, env] = command(out)
    const startedAt = Date.now()
    const started = performance.now()
    await promisify(execFile)(file, args, {
      env: { ...process.env, BASE: host.baseUrl, KEY: host.apiKey, LIST: list, ...env },
      maxBuffer: 1 << 26
    }).catch(() => undefined)
    const ms = performance.now() - started
    // A file counts when it is complete (curl writes an error page on a bad signed URL too: --fail stops that).
    let present = 0
    try {
      present = readdirSync(out).filter(
        name => !name.startsWith('.') && statSync(path.join(out, name)).size > 0
      ).length
    } catch {
      // No folder: nothing arrived.
    }
    return {
      ms,
      failed: urls.length - present,
      startupMs: (host.counters().firstRequestEpoch ?? NaN) - startedAt
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The start-up floor: a bare `node -e` that sends one request; ms from spawn to its arrival. */
export async function runFloor(host: BenchHost): Promise<number> {
  host.reset()
  const code = `require('http').request(${JSON.stringify(`${host.baseUrl}/api/v1/common/download-url`)}, { method: 'POST' }, r => r.resume()).end('{}')`
  const startedAt = Date.now()
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' })
  await new Promise(resolve => child.on('close', resolve))
  return (host.counters().firstRequestEpoch ?? NaN) - startedAt
}

/**
 * The disk's share of a big download, alone: `bytes` written in 1 MiB positional writes to a new
 * file beside the workspaces, as the action writes, with no network and no hash; ms. Whatever the
 * client, a file cannot land faster than this disk takes it.
 */
export async function runDiskFloor(bytes: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kie-dl-disk-'))
  const block = Buffer.alloc(2 ** 20, 7)
  const started = performance.now()
  const handle = await open(path.join(dir, 'floor.bin'), 'wx')
  try {
    for (let at = 0; at < bytes; at += block.length) {
      await handle.write(block, 0, Math.min(block.length, bytes - at), at)
    }
  } finally {
    await handle.close()
  }
  const ms = performance.now() - started
  rmSync(dir, { recursive: true, force: true })
  return ms
}

/** sha256 of `bytes` in 64 KiB updates on this thread, as the action hashes; ms. sha256 is sequential. */
export function hashFloor(bytes: number): number {
  const block = Buffer.alloc(64 * 1024, 7)
  const hash = createHash('sha256')
  const started = performance.now()
  for (let at = 0; at < bytes; at += block.length) hash.update(block)
  hash.digest()
  return performance.now() - started
}
