// The action: read inputs, download everything, report, and fail the step once if it should.
import * as core from '@actions/core'
import { type Deps, downloadAll } from './pipeline/batch.js'
import { errorMessage } from './errors.js'
import { getInputs } from './inputs/inputs.js'
import { tuneHeap } from './util/memory.js'
import { setOutputs, writeSummary } from './report/report.js'
import { redactUrl } from './util/safe-text.js'

export async function run(deps?: Deps): Promise<void> {
  tuneHeap()
  try {
    const settings = getInputs()
    const results = await downloadAll(settings, deps)
    // Outputs and summary first: a failing step still tells the next steps what arrived.
    setOutputs(results, settings.dir)
    await writeSummary(results, settings.dir).catch((error: unknown) =>
      core.warning(`Could not write the job summary: ${errorMessage(error)}`)
    )
    const failed = results.filter(r => r.status === 'failed')
    if (failed.length > 0) {
      const lines = failed.map(
        r => `#${r.entry.index} ${r.name ?? redactUrl(r.entry.url)}: ${r.error}`
      )
      if (!settings.failOnError) lines.forEach(line => core.warning(line))
      else {
        const more =
          lines.length > 10 ? `\n… and ${lines.length - 10} more (see the job summary)` : ''
        throw new Error(
          `${failed.length} of ${results.length} entries failed:\n${lines.slice(0, 10).join('\n')}${more}`
        )
      }
    }
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
