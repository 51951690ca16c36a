// Preloaded by the benchmark: writes the process's peak RSS (KiB) to $PEAK_RSS_FILE when it exits.
// CommonJS and --require, not --import: initialising the ES module loader for a preload costs
// about 8 ms of start-up that the action itself does not pay on a runner.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, on purpose
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  if (process.env.PEAK_RSS_FILE)
    writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS))
})
