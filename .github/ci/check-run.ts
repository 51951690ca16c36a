// CI: checks one run of the action against the sandbox's sample files: outputs, file contents, names, paths.
// Usage: node .github/ci/check-run.ts downloaded|skipped, with the step's outputs in COUNT, FAILED, PATHS,
// FILES and DIR, and the sandbox's banner (sizes and sha256 of its samples) in the file SANDBOX_LOG.
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'

interface Sample {
  contentType: string
  size: number
  sha256: string
}

/** The names the samples must get: the audio URL has no extension, so `.mp3` comes from its type. */
const EXPECTED_NAMES: Record<string, string> = {
  'https://tempfile.aiquickdraw.com/v/sample-image.png': 'sample-image.png',
  'https://tempfile.aiquickdraw.com/p/sample-video.mp4': 'sample-video.mp4',
  'https://musicfile.kie.ai/s/c2FtcGxlLWF1ZGlv': 'c2FtcGxlLWF1ZGlv.mp3'
}

const expected = process.argv[2]
if (expected !== 'downloaded' && expected !== 'skipped') {
  console.error('usage: node .github/ci/check-run.ts downloaded|skipped')
  process.exit(2)
}
const env = (name: string): string => process.env[name] ?? ''
const problems: string[] = []
const check = (ok: boolean, problem: string): void => void (ok || problems.push(problem))

// The sandbox prints each sample as `  <url>  <type>, <size> bytes[, taskId <id>], sha256 <hex>`.
const samples = new Map<string, Sample>()
for (const m of readFileSync(env('SANDBOX_LOG'), 'utf8').matchAll(
  /^\s+(https:\S+)\s+(\S+), (\d+) bytes(?:, taskId \S+)?, sha256 ([0-9a-f]{64})$/gm
)) {
  samples.set(m[1], { contentType: m[2], size: Number(m[3]), sha256: m[4] })
}
check(samples.size === 3, `the sandbox banner lists ${samples.size} sample files, not 3`)

const dir = env('DIR')
const paths = env('PATHS').split(/\r?\n/).filter(Boolean)
check(env('COUNT') === String(samples.size), `count is "${env('COUNT')}", not ${samples.size}`)
check(env('FAILED') === '0', `failed is "${env('FAILED')}", not 0`)
check(path.isAbsolute(dir) && statSync(dir).isDirectory(), `dir "${dir}" is not an absolute folder`)
check(paths.length === samples.size, `paths has ${paths.length} lines, not ${samples.size}`)

const files = JSON.parse(env('FILES')) as Array<Record<string, unknown>>
check(files.length === samples.size, `files has ${files.length} items, not ${samples.size}`)
for (const [i, file] of files.entries()) {
  const url = String(file.url)
  const sample = samples.get(url)
  const where = `files[${i}] (${url})`
  if (!sample) {
    problems.push(`${where} is not one of the sandbox's samples`)
    continue
  }
  const filePath = String(file.path)
  check(file.status === expected, `${where} has status ${String(file.status)}, not ${expected}`)
  check(file.error === null, `${where} reports an error: ${String(file.error)}`)
  check(file.name === EXPECTED_NAMES[url], `${where} is named ${String(file.name)}`)
  check(paths[i] === filePath, `${where}: paths line ${i + 1} is "${paths[i]}", not its path`)
  check(path.isAbsolute(filePath), `${where}: path "${filePath}" is not absolute`)
  check(
    path.join(dir, String(file.name)) === filePath,
    `${where}: path "${filePath}" is not dir + name`
  )
  for (const [field, want] of [
    ['bytes', sample.size],
    ['sha256', sample.sha256]
  ] as const) {
    check(file[field] === want, `${where}: ${field} is ${String(file[field])}, not ${want}`)
  }
  let onDisk: Buffer | null = null
  try {
    onDisk = readFileSync(filePath)
  } catch (error) {
    problems.push(`${where}: cannot read ${filePath} (${(error as Error).message})`)
  }
  if (onDisk) {
    const sha256 = createHash('sha256').update(onDisk).digest('hex')
    check(
      onDisk.length === sample.size,
      `${filePath} holds ${onDisk.length} bytes, not ${sample.size}`
    )
    check(sha256 === sample.sha256, `${filePath} is not the sandbox's file (sha256 ${sha256})`)
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.log(`::error::${problem}`)
  process.exit(1)
}
console.log(
  `All ${files.length} files ${expected}, with the sandbox's sizes and sha256, in ${dir}:`
)
for (const p of paths) console.log(`  ${p}`)
