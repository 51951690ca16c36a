// Preloaded by the benchmark: writes the process's peak RSS (KiB) to $PEAK_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.PEAK_RSS_FILE)
    writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS))
})
