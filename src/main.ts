// The action: read inputs, run the pipeline, report, and fail the step once if it should; a cancel loses nothing finished.
import * as core from '@actions/core'
import { CancelledError, errorMessage } from './errors.js'
import { type Settings, destinationOrEmpty, getInputs } from './inputs/inputs.js'
import { type Deps, Pipeline } from './pipeline/pipeline.js'
import type { RunResult } from './results.js'
import { logDetails, logShard, logTotals } from './report/log.js'
import { failureMessage, failureSummary } from './report/failure.js'
import { nothingText, shardText } from './report/format.js'
import { setOutputs } from './report/outputs.js'
import { type StepOutcome, writeSummary } from './report/summary.js'
import { tuneHeap } from './util/memory.js'
import { realClock } from './util/clock.js'
import { startMasking } from './util/safe-text.js'

/**
 * After SIGINT/SIGTERM the runner kills the step about 7.5 s later. Transfers stop at once; this is
 * how long the run may take to wind down before what is known is reported as it stands, so the
 * record, outputs and summary are written well within 5 s.
 */
export const CANCEL_GRACE_MS = 3_000
/** After the report, how long a cancelled run still lets the pipeline save its record and unlock. */
export const CANCEL_SETTLE_MS = 1_000

/** What the step has done so far, for the error path: whether outputs are set, what still runs. */
interface StepState {
  settings?: Settings
  outputsSet: boolean
  /** The pipeline's run, settled either way, while it may still be winding down. */
  running?: Promise<unknown>
}

export async function run(deps: Partial<Deps> = {}): Promise<void> {
  tuneHeap()
  startMasking()
  const cancel = cancelOnSignals()
  const signal = deps.signal ?? cancel.signal
  const step: StepState = { outputsSet: false }
  try {
    // `wait` counts from the step's start, before inputs are even read.
    const startedAt = deps.startedAt ?? Date.now()
    const settings = (step.settings = getInputs())
    const shard = announceShard(settings)
    if (settings.empty) {
      step.outputsSet = true
      await reportNothing(settings, shard, Date.now() - startedAt)
      return
    }
    const pipeline = new Pipeline(settings, { clock: deps.clock ?? realClock, signal, startedAt })
    const run = pipeline.run()
    step.running = run.catch(() => undefined)
    const result = await untilCancelDeadline(pipeline, run, signal)
    logTotals(result)
    logDetails(result)
    // Outputs and summary first: a failing step still tells the next steps what arrived.
    step.outputsSet = true
    await report(result, settings, shard)
  } catch (error) {
    // "Always set" outputs are set on an input error too: nothing arrived, nothing failed.
    if (!step.outputsSet) {
      const dir = step.settings?.dir ?? destinationOrEmpty()
      await setOutputs(emptyRun(dir, 0)).catch(() => undefined)
    }
    core.setFailed(errorMessage(error))
  } finally {
    cancel.dispose()
    if (signal.aborted) await windDown(step.running)
    // A socket that ignored the abort must not keep a cancelled step alive until the runner kills it.
    if (cancel.signal.aborted) setTimeout(() => process.exit(), 200).unref()
  }
}

/** The runner's SIGINT/SIGTERM as an abort, until disposed. */
function cancelOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals): void => {
    if (!controller.signal.aborted) controller.abort(new CancelledError(name))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

/** "shard 2/4: 25 of 100 entries", said first in a sharded run; undefined otherwise. */
function announceShard(settings: Settings): string | undefined {
  if (!settings.shard) return undefined
  const { entries } = settings
  const shard = shardText(settings.shard, entries.filter(e => !e.foreign).length, entries.length)
  logShard(shard)
  return shard
}

/** Sets the outputs, writes the summary, and throws the step's one error when it should fail. */
async function report(result: RunResult, settings: Settings, shard?: string): Promise<void> {
  await setOutputs(result)
  const failure = failureMessage(result, settings.failOnError)
  // fail-on-error: false turns file failures into one warning (account errors still fail above).
  const warning = failure ? null : failureSummary(result)
  const outcome: StepOutcome = failure ? 'failed' : warning ? 'warning' : 'passed'
  await summarize(result, settings, { outcome, shard })
  if (failure) throw new Error(failure)
  if (warning) core.warning(warning)
}

/** The report is out; the pipeline may still be saving the record and releasing the lock. */
async function windDown(running: Promise<unknown> | undefined): Promise<void> {
  if (!running) return
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    running,
    new Promise(resolve => (timer = setTimeout(resolve, CANCEL_SETTLE_MS)))
  ])
  clearTimeout(timer)
}

function emptyRun(dir: string, elapsedMs: number): RunResult {
  return { files: [], tasks: [], dir, stopped: null, elapsedMs }
}

/** The job summary as `summary` asks for it: every row, the failed rows, or none. */
async function summarize(
  result: RunResult,
  settings: Settings,
  view: { outcome: StepOutcome; shard?: string; nothing?: string }
): Promise<void> {
  if (settings.summary === 'off') return
  await writeSummary(result, { ...view, rows: settings.summary }).catch((error: unknown) =>
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  )
}

/**
 * Nothing to download (an empty list, or nothing in this shard): every output is set, the summary
 * says so, and `if-no-files-found` decides whether that is a warning, an error or a log line. The
 * destination is not touched.
 */
async function reportNothing(
  settings: Settings,
  shard: string | undefined,
  elapsedMs: number
): Promise<void> {
  const empty = settings.empty
  if (!empty) return
  const message = nothingText(empty, settings.shard)
  const result = emptyRun(settings.dir, elapsedMs)
  await setOutputs(result)
  const outcome: StepOutcome =
    settings.ifNoFilesFound === 'error'
      ? 'failed'
      : settings.ifNoFilesFound === 'warn'
        ? 'warning'
        : 'passed'
  await summarize(result, settings, { outcome, shard, nothing: message })
  if (settings.ifNoFilesFound === 'error') {
    throw new Error(`${message} (if-no-files-found: error)`)
  }
  if (settings.ifNoFilesFound === 'warn') core.warning(message)
  else core.info(message)
}

/**
 * The pipeline's result, or, once cancelled, what it knows after CANCEL_GRACE_MS at the latest
 * (also when the cancel came while it waited for the destination's lock).
 */
async function untilCancelDeadline(
  pipeline: Pipeline,
  run: Promise<RunResult>,
  signal: AbortSignal
): Promise<RunResult> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<RunResult>(resolve => {
    const onAbort = (): void => {
      timer = setTimeout(() => resolve(pipeline.result()), CANCEL_GRACE_MS)
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([run, deadline])
  } catch (error) {
    if (error instanceof CancelledError) return pipeline.result()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
