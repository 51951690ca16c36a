// Runs the action as the GitHub runner does: action.yml defaults as INPUT_*, a temp workspace, output and summary files.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>
  outputs: Record<string, { description: string }>
}

export const actionYml = parse(
  readFileSync(path.join(import.meta.dirname, '..', 'action.yml'), 'utf8')
) as ActionYml

/** The runner's name for an input's variable: INPUT_ + upper case, spaces to underscores (dashes kept). */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** INPUT_* for every declared input: its default unless `withInputs` sets it. */
export function inputEnv(withInputs: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(withInputs)) {
    if (!(name in actionYml.inputs)) throw new Error(`test uses undeclared input ${name}`)
  }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    env[inputVar(name)] = withInputs[name] ?? spec.default ?? ''
  }
  return env
}

export interface Workspace {
  dir: string
  outputFile: string
  summaryFile: string
  cleanup: () => void
}

/** A fresh temp GITHUB_WORKSPACE with empty GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. */
export function makeWorkspace(): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kie-dl-'))
  const dir = path.join(root, 'workspace')
  const outputFile = path.join(root, 'output')
  const summaryFile = path.join(root, 'summary')
  mkdirSync(dir)
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  return {
    dir,
    outputFile,
    summaryFile,
    cleanup: () => rmSync(root, { recursive: true, force: true })
  }
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks) into a map. */
export function readOutputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8')
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const [, name, delimiter] = m
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
    out[name] = value.join('\n')
  }
  return out
}

function pick(env: NodeJS.ProcessEnv, names: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(names.filter(n => env[n] !== undefined).map(n => [n, env[n]]))
}

export const DIST = path.join(import.meta.dirname, '..', 'dist', 'index.js')

export interface DistRun {
  code: number | null
  /** stdout and stderr together, as the runner's log shows them. */
  log: string
  outputs: Record<string, string>
  files: Array<Record<string, unknown>>
  summary: string
  workspace: Workspace
  ms: number
  /** Date.now() just before the process was spawned. */
  startedAt: number
}

export async function runDist(
  inputs: Record<string, string>,
  options: {
    workspace?: Workspace
    env?: Record<string, string>
    timeoutMs?: number
    /** Extra node flags before dist/index.js (the benchmark's RSS probe). */
    nodeArgs?: string[]
    /** Called with the whole log so far after each chunk, e.g. to send a signal at a given moment. */
    onLog?: (log: string, child: ChildProcess) => void
  } = {}
): Promise<DistRun> {
  const workspace = options.workspace ?? makeWorkspace()
  writeFileSync(workspace.outputFile, '')
  writeFileSync(workspace.summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // Node on Windows needs these to find its temp folder and system libraries.
    ...pick(process.env, ['SystemRoot', 'TEMP', 'TMP', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA']),
    ...inputEnv(inputs),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace.dir,
    GITHUB_OUTPUT: workspace.outputFile,
    GITHUB_STEP_SUMMARY: workspace.summaryFile,
    RUNNER_TEMP: path.dirname(workspace.dir),
    ...options.env
  }
  const startedAt = Date.now()
  const started = performance.now()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), DIST], {
    cwd: workspace.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  const onData = (d: Buffer): void => {
    log += d.toString()
    options.onLog?.(log, child)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
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
    ms: performance.now() - started,
    startedAt
  }
}
