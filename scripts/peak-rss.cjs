// Preloaded by the benchmark: writes the process's peak RSS (KiB) to $PEAK_RSS_FILE when it exits.
// CommonJS and --require, not --import: initialising the ES module loader for a preload costs
// about 8 ms of start-up that the action itself does not pay on a runner.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, on purpose
const { readFileSync, writeFileSync } = require('node:fs')

/**
 * This process's own peak RSS in KiB. On Linux, getrusage's maxrss (resourceUsage().maxRSS)
 * survives exec: a child of a big parent (the bench holds its files in memory) reports the
 * parent's peak. VmHWM belongs to this process's memory alone.
 */
function peakKiB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1])
  } catch {
    // Not Linux: maxRSS is the best there is.
  }
  return process.resourceUsage().maxRSS
}

process.on('exit', () => {
  if (process.env.PEAK_RSS_FILE) writeFileSync(process.env.PEAK_RSS_FILE, String(peakKiB()))
})
