// `npm run bench`: the bundled action against the hand-written curl | jq | xargs script, on the loopback sandbox.
//   npm run bench                    120 x 256 KiB, concurrency 8, 25 ms API + 25 ms file latency, 5 rounds
//   npm run bench -- --files 1000 --size 4 --rounds 3        many small files (peak RSS)
//   npm run bench -- --big           one 1 GiB file: throughput and peak RSS
//   npm run bench -- --rate-limited  one file behind two kie.ai 429s with Retry-After: 1, against a healthy run
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { Sandbox } from '../sandbox/index.ts'
import { DIST, makeWorkspace, runDist } from './runner.ts'

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '120' },
    size: { type: 'string', default: '256' },
    concurrency: { type: 'string', default: '8' },
    'api-latency': { type: 'string', default: '25' },
    'file-latency': { type: 'string', default: '25' },
    rounds: { type: 'string', default: '5' },
    big: { type: 'boolean', default: false },
    'rate-limited': { type: 'boolean', default: false },
    'big-size': { type: 'string', default: '1024' },
    'no-script': { type: 'boolean', default: false }
  }
})
const N = Number(values.files)
const SIZE_KIB = Number(values.size)
const C = Number(values.concurrency)
const API_MS = Number(values['api-latency'])
const FILE_MS = Number(values['file-latency'])
const ROUNDS = Number(values.rounds)
const PROBE = path.join(import.meta.dirname, 'peak-rss.mjs')

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`

interface Measure {
  ms: number
  rssKib: number
  startupMs: number
}

/** One run of dist/index.js as the runner runs it; checks that every file arrived. */
async function runAction(sandbox: Sandbox, urls: string[], expectBytes: number): Promise<Measure> {
  const workspace = makeWorkspace()
  const rssFile = path.join(path.dirname(workspace.dir), 'rss')
  sandbox.clearRequests()
  try {
    const run = await runDist(
      {
        'api-key': sandbox.apiKey,
        'base-url': sandbox.baseUrl,
        urls: urls.join('\n'),
        concurrency: String(C)
      },
      {
        workspace,
        nodeArgs: [`--import=${PROBE}`],
        env: { PEAK_RSS_FILE: rssFile },
        timeoutMs: 600_000
      }
    )
    const bytes = run.files.reduce((sum, f) => sum + Number(f.bytes ?? 0), 0)
    if (run.code !== 0 || run.files.length !== urls.length || bytes !== expectBytes) {
      throw new Error(
        `action run failed (exit ${run.code}, ${bytes} of ${expectBytes} bytes):\n${run.log.slice(-2000)}`
      )
    }
    const first = Math.min(...sandbox.requests.map(r => r.at))
    return {
      ms: run.ms,
      rssKib: Number(readFileSync(rssFile, 'utf8')),
      startupMs: first - run.startedAt
    }
  } finally {
    workspace.cleanup()
  }
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

async function runScript(sandbox: Sandbox, urls: string[], expectBytes: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kie-bench-script-'))
  const list = path.join(dir, 'urls.txt')
  const out = path.join(dir, 'out')
  try {
    await promisify(execFile)(
      'bash',
      ['-c', `mkdir -p "$OUT"; printf '%s\\n' ${urls.map(u => `'${u}'`).join(' ')} > "$LIST"`],
      {
        env: { ...process.env, OUT: out, LIST: list },
        maxBuffer: 1 << 26
      }
    )
    const started = performance.now()
    await promisify(execFile)('bash', ['-c', SCRIPT], {
      env: {
        ...process.env,
        BASE: sandbox.baseUrl,
        KEY: sandbox.apiKey,
        C: String(C),
        OUT: out,
        LIST: list
      },
      maxBuffer: 1 << 26
    })
    const ms = performance.now() - started
    const bytes = urls.reduce((sum, u) => sum + statSync(path.join(out, path.basename(u))).size, 0)
    if (bytes !== expectBytes) throw new Error(`script downloaded ${bytes} of ${expectBytes} bytes`)
    return ms
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function batchMode(): Promise<void> {
  const sandbox = await Sandbox.start({ apiLatencyMs: API_MS, fileLatencyMs: FILE_MS })
  try {
    const urls = Array.from(
      { length: N },
      (_, i) => `https://tempfile.aiquickdraw.com/v/bench-${i}.png`
    )
    for (const url of urls) await sandbox.register({ url, size: SIZE_KIB * 1024 })
    const total = N * SIZE_KIB * 1024
    console.log(
      `kie-download benchmark: ${N} files x ${SIZE_KIB} KiB, concurrency ${C}, API latency ${API_MS} ms, file latency ${FILE_MS} ms, ${ROUNDS} alternating rounds`
    )
    console.log(
      `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; bundle dist/index.js ${(statSync(DIST).size / 1024).toFixed(0)} KiB`
    )
    // One warm-up of each, not counted: page cache, sandbox content generators.
    await runAction(sandbox, urls, total)
    if (!values['no-script']) await runScript(sandbox, urls, total)
    const action: Measure[] = []
    const script: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always inherits the other's warm state.
      const order = round % 2 ? ['script', 'action'] : ['action', 'script']
      for (const who of order) {
        if (who === 'action') action.push(await runAction(sandbox, urls, total))
        else if (!values['no-script']) script.push(await runScript(sandbox, urls, total))
      }
      const last = action.at(-1) as Measure
      console.log(
        `  round ${round + 1}: action ${last.ms.toFixed(0)} ms${script.length ? `, script ${(script.at(-1) as number).toFixed(0)} ms` : ''}`
      )
    }
    const ideal = Math.ceil(N / C) * (API_MS + FILE_MS)
    const actionMs = median(action.map(m => m.ms))
    console.log('')
    console.log(`action median wall        ${actionMs.toFixed(0)} ms`)
    if (script.length) {
      const scriptMs = median(script)
      console.log(`curl-script median wall   ${scriptMs.toFixed(0)} ms`)
      console.log(`action / script           ${(actionMs / scriptMs).toFixed(2)}  (target <= 0.40)`)
    }
    console.log(
      `latency-bound ideal       ${ideal} ms  (ceil(${N}/${C}) x (${API_MS} + ${FILE_MS}) ms)`
    )
    console.log(`action / ideal            ${(actionMs / ideal).toFixed(2)}  (target <= 1.10)`)
    console.log(
      `start-up to first request ${median(action.map(m => m.startupMs)).toFixed(0)} ms median  (target <= 150)`
    )
    console.log(
      `action peak RSS           ${mib(Math.max(...action.map(m => m.rssKib)))} max, ${mib(median(action.map(m => m.rssKib)))} median`
    )
  } finally {
    await sandbox.close()
  }
}

async function bigMode(): Promise<void> {
  const size = Number(values['big-size']) * 1024 * 1024
  const sandbox = await Sandbox.start()
  try {
    const url = 'https://tempfile.aiquickdraw.com/p/bench-big.mp4'
    const file = await sandbox.register({ url, size })
    console.log(
      `kie-download benchmark: one ${mib(size / 1024)} file, ${ROUNDS} rounds; Node ${process.version}`
    )
    const runs: Measure[] = []
    for (let round = 0; round < ROUNDS; round++) {
      runs.push(await runAction(sandbox, [url], file.size))
      const last = runs.at(-1) as Measure
      console.log(
        `  round ${round + 1}: ${last.ms.toFixed(0)} ms, ${(size / 2 ** 20 / (last.ms / 1000)).toFixed(0)} MiB/s, peak RSS ${mib(last.rssKib)}`
      )
    }
    const ms = median(runs.map(r => r.ms))
    console.log('')
    console.log(`median wall        ${ms.toFixed(0)} ms`)
    console.log(
      `throughput         ${(size / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s (median run, including start-up and sha256)`
    )
    console.log(
      `peak RSS           ${mib(Math.max(...runs.map(r => r.rssKib)))} max  (target <= 100 MiB)`
    )
  } finally {
    await sandbox.close()
  }
}

/** What two 429s with `Retry-After: 1` cost a run: the waits asked for, and little else. */
async function rateLimitedMode(): Promise<void> {
  const sandbox = await Sandbox.start()
  try {
    const url = 'https://tempfile.aiquickdraw.com/v/bench-429.png'
    const file = await sandbox.register({ url, size: SIZE_KIB * 1024 })
    const limited: number[] = []
    const healthy: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      sandbox.inject({
        target: 'api',
        fault: {
          kind: 'code',
          code: 429,
          httpStatus: 429,
          msg: 'Rate limit exceeded',
          retryAfter: '1'
        },
        times: 2
      })
      limited.push((await runAction(sandbox, [url], file.size)).ms)
      healthy.push((await runAction(sandbox, [url], file.size)).ms)
      console.log(
        `  round ${round + 1}: two 429s ${limited.at(-1)?.toFixed(0)} ms, healthy ${healthy.at(-1)?.toFixed(0)} ms`
      )
    }
    console.log('')
    console.log(`two 429s with Retry-After: 1   ${median(limited).toFixed(0)} ms median`)
    console.log(`the same file, no fault        ${median(healthy).toFixed(0)} ms median`)
  } finally {
    await sandbox.close()
  }
}

await (values.big ? bigMode() : values['rate-limited'] ? rateLimitedMode() : batchMode())
