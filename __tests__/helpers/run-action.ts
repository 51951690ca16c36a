// Drives run() in-process the way the runner would: INPUT_* from action.yml defaults, real output and summary files.
import * as core from '@actions/core'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Deps } from '../../src/pipeline/pipeline.js'
import { run } from '../../src/main.js'
import { captureStdout } from './capture.js'
import { withStepEnv } from './step-env.js'
import { VirtualClock } from './virtual-clock.js'
import { inputEnv, makeWorkspace, readOutputs, type Workspace } from '../../scripts/runner.ts'

export interface ActionRun {
  outputs: Record<string, string>
  files: Array<Record<string, unknown>>
  summary: string
  log: string
  failed: boolean
  workspace: Workspace
}

/**
 * Instant sleeps on virtual time from now: time moves on by what was slept, so rules measured in
 * time (signed URL age, the rate-limit budget, pacing) see it pass.
 */
export function instantClock(): VirtualClock {
  return VirtualClock.instant({ start: Date.now() })
}

export async function runAction(
  inputs: Record<string, string>,
  options: { workspace?: Workspace; deps?: Deps } = {}
): Promise<ActionRun> {
  const workspace = options.workspace ?? makeWorkspace()
  writeFileSync(workspace.outputFile, '')
  writeFileSync(workspace.summaryFile, '')
  // core.summary caches its file path for the life of the process; each test run is a new "step".
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  core.summary.emptyBuffer()
  const stdout = captureStdout()
  try {
    await withStepEnv(
      {
        ...inputEnv(inputs),
        GITHUB_WORKSPACE: workspace.dir,
        GITHUB_OUTPUT: workspace.outputFile,
        GITHUB_STEP_SUMMARY: workspace.summaryFile,
        RUNNER_DEBUG: undefined
      },
      () => run(options.deps ?? { clock: instantClock() })
    )
  } finally {
    stdout.restore()
  }
  const failed = process.exitCode === 1
  process.exitCode = undefined
  const outputs = readOutputs(workspace.outputFile)
  return {
    outputs,
    files: outputs.files ? JSON.parse(outputs.files) : [],
    summary: readFileSync(workspace.summaryFile, 'utf8'),
    log: stdout.writes.join(''),
    failed,
    workspace
  }
}
