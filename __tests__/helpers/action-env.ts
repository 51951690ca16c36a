// What the runner passes a step: action.yml defaults as INPUT_* variables, overridden by `with:` values.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>
  outputs: Record<string, { description: string }>
}

export const actionYml = parse(
  readFileSync(path.join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')
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
