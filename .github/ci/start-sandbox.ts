// CI: starts the kie.ai sandbox in the background for the steps after this one, the same way on every runner OS.
// Usage: node .github/ci/start-sandbox.ts LOG_FILE. Waits until the sandbox has registered its sample
// files (the banner ends with "Ctrl-C to stop"), prints the banner, and exits; the sandbox runs on until
// the job ends. A detached child with its output in a file keeps no handle on this step's console.
import { spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const log = process.argv[2]
if (!log) {
  console.error('usage: node .github/ci/start-sandbox.ts LOG_FILE')
  process.exit(2)
}
const out = openSync(log, 'w')
const child = spawn(process.execPath, ['sandbox/cli.ts', '--port', '8787', '--file-port', '8788'], {
  detached: true,
  stdio: ['ignore', out, out],
  windowsHide: true
})
let exited: string | null = null
child.on('exit', (code, signal) => (exited = signal ?? String(code)))
child.unref()

for (let waited = 0; waited < 60_000; waited += 250) {
  const banner = readFileSync(log, 'utf8')
  if (banner.includes('Ctrl-C to stop')) {
    console.log(banner)
    process.exit(0)
  }
  if (exited !== null) break
  await sleep(250)
}
console.log(readFileSync(log, 'utf8'))
console.log(
  exited === null
    ? '::error::The sandbox did not start within 60 seconds.'
    : `::error::The sandbox stopped before it was ready (exit ${exited}).`
)
process.exit(1)
