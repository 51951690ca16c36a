// The benchmark's scenarios (issue 13): each against the curl script and a true lower bound printed with its formula.
import {
  type ActionRun,
  type PlainRun,
  hashFloor,
  runAction,
  runDiskFloor,
  runFloor,
  runMinimal,
  runScript
} from './contenders.ts'
import { BenchHost } from './host.ts'
import { alternate, mark, median, mib, note, sec } from './report.ts'

export interface Options {
  rounds: number
  /** Also race the curl script (it is slow at 10,000 files). */
  script: boolean
  rateFiles: number
  manyFiles: number
  bigMib: number
  proxyFiles: number
}

const MiB = 2 ** 20
const perFile = (n: number, files: number): string => (n / files).toFixed(2)

/** A small seeded generator (mulberry32): the same sizes in every run. */
function seeded(seed: number): () => number {
  return () => {
    let x = (seed = (seed + 0x6d2b79f5) | 0)
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function race(
  host: BenchHost,
  urls: string[],
  concurrency: number,
  bytes: number,
  options: Options,
  label: (round: number, r: { action?: ActionRun; script?: PlainRun }) => string
) {
  const contenders: Record<string, () => Promise<ActionRun | PlainRun>> = {
    action: () => runAction(host, urls, concurrency, bytes)
  }
  if (options.script) contenders.script = () => runScript(host, urls, concurrency)
  return alternate(options.rounds, contenders, (round, r) =>
    console.log(
      `    round ${round}: ${label(round, r as { action?: ActionRun; script?: PlainRun })}`
    )
  ) as Promise<{ action: ActionRun[]; script?: PlainRun[] }>
}

/** (a) N files behind a 10 req/s token bucket that answers kie.ai's body-style 429. */
export async function rateScenario(options: Options): Promise<void> {
  const N = options.rateFiles
  const RATE = 10
  const BURST = 10
  const API_MS = 20
  const SIZE = 4096
  console.log(
    `\n(a) rate: ${N} x ${SIZE / 1024} KiB behind a token bucket of ${RATE} req/s (burst ${BURST}), body-style 429 without Retry-After, API ${API_MS} ms`
  )
  const host = await BenchHost.start({
    apiLatencyMs: API_MS,
    rateLimit: { ratePerSecond: RATE, burst: BURST }
  })
  try {
    const urls = await host.addAll(
      N,
      i => `rate-${i}.png`,
      () => SIZE
    )
    const pace = (N / RATE) * 1000
    const bound = (Math.max(0, N - BURST) / RATE) * 1000 + API_MS
    console.log(
      `  lower bound = (N - burst) / rate + API = (${N} - ${BURST}) / ${RATE} s + ${API_MS} ms = ${sec(bound)}; the target is against N / rate = ${sec(pace)}`
    )
    for (const C of [4, 8, 16]) {
      console.log(`  concurrency ${C}:`)
      const r = await race(host, urls, C, N * SIZE, options, (_, x) =>
        [
          x.action &&
            `action ${sec(x.action.ms)}, ${x.action.failed} failed, ${perFile(x.action.apiCalls, N)} API calls/file`,
          x.script && `script ${sec(x.script.ms)}, ${x.script.failed} failed`
        ]
          .filter(Boolean)
          .join('; ')
      )
      const wall = median(r.action.map(a => a.ms))
      const worst = Math.max(...r.action.map(a => a.failed))
      mark(
        `rate C=${C}`,
        'failed entries, worst round',
        String(worst),
        '0 in every round',
        worst === 0
      )
      mark(
        `rate C=${C}`,
        'wall / (N / rate)',
        `${(wall / pace).toFixed(2)} (${sec(wall)}; ${(wall / bound).toFixed(2)} x lower bound)`,
        '<= 1.10',
        wall <= 1.1 * pace
      )
      const calls = median(r.action.map(a => a.apiCalls / N))
      mark(`rate C=${C}`, 'API calls per file', calls.toFixed(2), '<= 1.2', calls <= 1.2)
      if (r.script) {
        note(
          'curl script',
          `${sec(median(r.script.map(s => s.ms)))} median, ${Math.max(...r.script.map(s => s.failed))} failed in its worst round`
        )
      }
    }
  } finally {
    await host.close()
  }
}

/** (b) A realistic mix on slow-ish links: where a long tail shows. */
export async function mixScenario(options: Options): Promise<void> {
  const API_MS = 300
  const FB_MS = 150
  const B = 25 * MiB
  const random = seeded(13)
  const sizes = [
    ...Array.from({ length: 40 }, () => MiB + Math.floor(random() * 2 * MiB)),
    ...Array.from({ length: 6 }, () => 30 * MiB + Math.floor(random() * 30 * MiB))
  ]
  const total = sizes.reduce((a, b) => a + b, 0)
  console.log(
    `\n(b) mix: 40 images (1-3 MiB) + 6 videos (30-60 MiB) = ${mib(total)}; API ${API_MS} ms, first byte ${FB_MS} ms, 25 MiB/s per connection`
  )
  const host = await BenchHost.start({
    apiLatencyMs: API_MS,
    fileLatencyMs: FB_MS,
    bytesPerSecond: B
  })
  try {
    const urls = await host.addAll(
      sizes.length,
      i => `mix-${i}.${i < 40 ? 'png' : 'mp4'}`,
      i => sizes[i]
    )
    const N = sizes.length
    const own = (s: number): number => FB_MS + (s / B) * 1000
    const busy = sizes.reduce((sum, s) => sum + own(s), 0)
    for (const C of [4, 8]) {
      // Every request holds one connection for at least its first byte and its bytes at B, none
      // starts before the first API answer, and there are C connections; a file not split into
      // ranges takes its own time on one connection; the last of N API answers on C slots comes
      // after ceil(N / C) API latencies, and its file still has to arrive.
      const tConn = API_MS + busy / C
      const tFile = API_MS + own(Math.max(...sizes))
      const tApi = Math.ceil(N / C) * API_MS + own(Math.min(...sizes))
      const bound = Math.max(tConn, tFile, tApi)
      console.log(`  concurrency ${C}:`)
      console.log(
        `    lower bound = max(API + sum(FB + size/B) / C, API + FB + max size/B, ceil(N/C) x API + FB + min size/B)`
      )
      console.log(
        `                = max(${sec(tConn)}, ${sec(tFile)}, ${sec(tApi)}) = ${sec(bound)}   (a client that splits files into ranges: ${sec(Math.max(tConn, tApi))})`
      )
      const r = await race(host, urls, C, total, options, (_, x) =>
        [
          x.action && `action ${sec(x.action.ms)} (${(x.action.ms / bound).toFixed(2)} x bound)`,
          x.script && `script ${sec(x.script.ms)}`
        ]
          .filter(Boolean)
          .join('; ')
      )
      const wall = median(r.action.map(a => a.ms))
      mark(
        `mix C=${C}`,
        'wall / lower bound',
        `${(wall / bound).toFixed(2)} (${sec(wall)})`,
        '<= 1.15',
        wall <= 1.15 * bound
      )
      if (r.script) note('curl script', `${sec(median(r.script.map(s => s.ms)))} median`)
    }
  } finally {
    await host.close()
  }
}

/** (c) Many small files: the per-file overhead, against a minimal Node client doing the same work. */
export async function manyScenario(options: Options): Promise<void> {
  const N = options.manyFiles
  const SIZE = 2048
  const C = 16
  console.log(`\n(c) many: ${N} x ${SIZE / 1024} KiB, concurrency ${C}, no latency`)
  const host = await BenchHost.start()
  try {
    const urls = await host.addAll(
      N,
      i => `many-${i}.png`,
      () => SIZE
    )
    console.log(
      '  yardstick: scripts/bench/minimal-client.ts (POST, GET, sha256, temp file, rename; no logging, no retries)'
    )
    const one = await runAction(host, urls.slice(0, 1), C, SIZE)
    const contenders: Record<string, () => Promise<ActionRun | PlainRun>> = {
      action: () => runAction(host, urls, C, N * SIZE),
      minimal: () => runMinimal(host, urls, C)
    }
    if (options.script) contenders.script = () => runScript(host, urls, C)
    const r = (await alternate(options.rounds, contenders, (round, x) =>
      console.log(
        `    round ${round}: ${Object.entries(x)
          .map(([k, v]) => `${k} ${sec((v as PlainRun).ms)}`)
          .join(', ')}`
      )
    )) as { action: ActionRun[]; minimal: PlainRun[]; script?: PlainRun[] }
    const wall = median(r.action.map(a => a.ms))
    const yardstick = median(r.minimal.map(m => m.ms))
    mark(
      'many',
      'wall / minimal client',
      `${(wall / yardstick).toFixed(2)} (${sec(wall)} vs ${sec(yardstick)})`,
      '<= 1.25',
      wall <= 1.25 * yardstick
    )
    // Per file: what N files print beyond what one file prints (the run's own lines, such as the
    // key's mask, the heading and the totals, come once whatever N is).
    const perFileOf = (runs: ActionRun[], key: 'logLines' | 'masks'): number =>
      (median(runs.map(a => a[key])) - one[key]) / (N - 1)
    // Two decimals: a run-level line that only many files bring (the warning that the `files`
    // output is over 1 MB) is 0.0001 of a line per file.
    const lines = Number(perFileOf(r.action, 'logLines').toFixed(2))
    mark(
      'many',
      'log lines per file (info level), (lines(N) - lines(1)) / (N - 1)',
      lines.toFixed(2),
      '<= 2',
      lines <= 2
    )
    note(
      '`::debug::` lines per file (written only when debug logging is on)',
      median(r.action.map(a => a.debugLines / N)).toFixed(2)
    )
    const masks = perFileOf(r.action, 'masks')
    mark(
      'many',
      `masks per file, (masks(N) - masks(1)) / (N - 1); masks(1) = ${one.masks}`,
      masks.toFixed(2),
      '<= 1',
      masks <= 1
    )
    note('action peak RSS', mib(Math.max(...r.action.map(a => a.rssKib)) * 1024))
    if (r.script) note('curl script', `${sec(median(r.script.map(s => s.ms)))} median`)
  } finally {
    await host.close()
  }
}

/** (d) Start-up: from spawning the process to its first request. */
export async function startScenario(options: Options): Promise<void> {
  const samples = Math.max(5, options.rounds * 3)
  console.log(`\n(d) start-up to first request, ${samples} alternating samples`)
  const host = await BenchHost.start()
  try {
    const urls = [await host.add('start.png', 1024)]
    // One of each first, not counted: the page cache and the bundle's first read.
    await runAction(host, urls, 4, 1024)
    await runFloor(host)
    const contenders: Record<string, () => Promise<number>> = {
      action: async () => (await runAction(host, urls, 4, 1024)).startupMs,
      floor: () => runFloor(host)
    }
    if (options.script) contenders.script = async () => (await runScript(host, urls, 4)).startupMs
    const r = await alternate(samples, contenders, () => {})
    const action = median(r.action)
    const floor = median(r.floor)
    console.log(
      `  floor: a bare \`node -e\` sending one request with node:http: ${floor.toFixed(0)} ms median`
    )
    mark(
      'start',
      'start-up to first request',
      `${action.toFixed(0)} ms (floor ${floor.toFixed(0)} ms)`,
      '<= 100 ms',
      action <= 100
    )
    if (r.script) note('curl script', `${median(r.script).toFixed(0)} ms median`)
  } finally {
    await host.close()
  }
}

/** (e) One big file: throughput with sha256, and peak RSS. */
export async function bigScenario(options: Options): Promise<void> {
  const size = options.bigMib * MiB
  console.log(`\n(e) big: one ${mib(size)} file, unshaped loopback`)
  console.log(
    '  yardsticks: the curl script (no hash), and scripts/bench/minimal-client.ts (Node: GET, sha256, write) for what Node itself reaches on this machine'
  )
  const host = await BenchHost.start()
  try {
    const urls = [await host.add('big.mp4', size)]
    const rate = (ms: number): number => size / MiB / (ms / 1000)
    // The disk is timed between the runs, in the same rounds: how fast it takes writes changes
    // with what the kernel still has to flush from the run before.
    const contenders: Record<string, () => Promise<ActionRun | PlainRun>> = {
      action: () => runAction(host, urls, 4, size),
      minimal: () => runMinimal(host, urls, 1),
      disk: async () => ({ ms: await runDiskFloor(size), failed: 0, startupMs: 0 })
    }
    if (options.script) contenders.script = () => runScript(host, urls, 1)
    const hashMs = median([hashFloor(size), hashFloor(size), hashFloor(size)])
    const r = (await alternate(options.rounds, contenders, (round, x) => {
      const a = x.action as ActionRun
      console.log(
        `    round ${round}: action ${sec(a.ms)}, ${rate(a.ms).toFixed(0)} MiB/s, peak RSS ${mib(a.rssKib * 1024)}; ` +
          Object.entries(x)
            .filter(([k]) => k !== 'action')
            .map(([k, v]) => `${k} ${rate((v as PlainRun).ms).toFixed(0)} MiB/s`)
            .join(', ')
      )
    })) as { action: ActionRun[]; minimal: PlainRun[]; disk: PlainRun[]; script?: PlainRun[] }
    const wall = median(r.action.map(a => a.ms))
    const diskMs = median(r.disk.map(d => d.ms))
    // The bytes must be hashed in order on one core and written to this disk: no client lands the
    // file before both are done, whatever it overlaps (network, parsing and start-up are left out).
    const bound = Math.max(diskMs, hashMs)
    console.log(
      `    upper bound = size / max(disk write time, sha256 time) = ${mib(size)} / max(${sec(diskMs)}, ${sec(hashMs)}) = ${rate(bound).toFixed(0)} MiB/s   (disk: 1 MiB writes, no network; sha256: 64 KiB updates)`
    )
    mark(
      'big',
      'MiB/s with sha256 (whole run)',
      `${rate(wall).toFixed(0)} (${(rate(wall) / rate(bound)).toFixed(2)} x the upper bound)`,
      '>= 400',
      rate(wall) >= 400
    )
    const rss = Math.max(...r.action.map(a => a.rssKib)) * 1024
    mark('big', 'peak RSS, worst round', mib(rss), '<= 100 MiB', rss <= 100 * MiB)
    note(
      'minimal Node client (sha256)',
      `${rate(median(r.minimal.map(m => m.ms))).toFixed(0)} MiB/s`
    )
    if (r.script) {
      note('curl script (no hash)', `${rate(median(r.script.map(s => s.ms))).toFixed(0)} MiB/s`)
    }
  } finally {
    await host.close()
  }
}
