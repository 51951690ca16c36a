// Runs the committed dist/index.js as the runner does: a child process with INPUT_* from action.yml and real files.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { inputEnv, makeWorkspace, readOutputs, type Workspace } from './action-env.js'

export const DIST = path.join(import.meta.dirname, '..', '..', 'dist', 'index.js')

export interface DistRun {
  code: number | null
  /** stdout and stderr together, as the runner's log shows them. */
  log: string
  outputs: Record<string, string>
  files: Array<Record<string, unknown>>
  summary: string
  workspace: Workspace
  ms: number
}

export async function runDist(
  inputs: Record<string, string>,
  options: { workspace?: Workspace; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<DistRun> {
  const workspace = options.workspace ?? makeWorkspace()
  writeFileSync(workspace.outputFile, '')
  writeFileSync(workspace.summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...inputEnv(inputs),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace.dir,
    GITHUB_OUTPUT: workspace.outputFile,
    GITHUB_STEP_SUMMARY: workspace.summaryFile,
    RUNNER_TEMP: path.dirname(workspace.dir),
    ...options.env
  }
  const started = performance.now()
  const child = spawn(process.execPath, [DIST], {
    cwd: workspace.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)
  const outputs = readOutputs(workspace.outputFile)
  return {
    code,
    log,
    outputs,
    files: outputs.files ? JSON.parse(outputs.files) : [],
    summary: readFileSync(workspace.summaryFile, 'utf8'),
    workspace,
    ms: performance.now() - started
  }
}
