// The README says what action.yml and package.json say: inputs with their defaults, outputs, commands, dev dependencies.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { Inputs, Outputs } from '../src/constants.js'
import { render } from '../scripts/docs.js'
import { actionYml } from '../scripts/runner.ts'
import { lintWorkflows, readmeWorkflows, workflowSources } from './helpers/workflow-lint.js'

const root = path.join(import.meta.dirname, '..')
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8')
const readme = read('README.md')
/** docs/development.md: the commands and dev dependencies moved there from the README. */
const development = read('docs/development.md')
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>
  devDependencies: Record<string, string>
}

/** The text between `<!-- name:start -->` and `<!-- name:end -->`. */
function section(name: string): string {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme)
  if (!m) throw new Error(`README.md lacks the ${name} markers`)
  return m[1]
}

/** The dev dependency table of docs/development.md. */
const devDependencyTable =
  /^# Development\n[\s\S]*?^(\| dev dependency \|[\s\S]*?)\n\n/m.exec(development)?.[1] ?? ''

/** Each input of the usage block with the comment lines above it, read as a person reads them. */
function documentedInputs(): Map<string, string[]> {
  const block = section('usage').replace(/^```yaml\n|```\n?$/g, '')
  const inputs = new Map<string, string[]>()
  let comment: string[] = []
  for (const line of block.split('\n')) {
    const note = /^ {4}# ?(.*)$/.exec(line)
    const input = /^ {4}([\w-]+):/.exec(line)
    if (note) comment.push(note[1])
    else if (input) {
      inputs.set(input[1], comment)
      comment = []
    }
  }
  return inputs
}

/** `| \`name\` | text |` rows of a Markdown table, as [name, text]. */
function tableRows(text: string): Array<[string, string]> {
  return [...text.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)].map(m => [
    m[1],
    m[2].replace(/\\\|/g, '|')
  ])
}

const oneLine = (text: string): string => text.trim().replace(/\s+/g, ' ')

describe('README usage block and outputs table', () => {
  it('are what `npm run docs` generates from action.yml', () => {
    expect(render(readme, read('action.yml'))).toBe(readme)
  })

  it('the usage block is a valid step that sets every input of action.yml, in its order', () => {
    const step = parse(section('usage').replace(/^```yaml\n|```\n?$/g, '')) as Array<{
      uses: string
      with: Record<string, string>
    }>
    expect(step).toHaveLength(1)
    expect(step[0].uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/)
    expect(Object.keys(step[0].with)).toEqual(Object.keys(actionYml.inputs))
  })

  it.each(Object.entries(actionYml.inputs))(
    'documents input %s with its description and its real default',
    (name, spec) => {
      const comment = documentedInputs().get(name)
      expect(comment).toBeDefined()
      const [last, ...rest] = [...(comment ?? [])].reverse()
      expect(oneLine(rest.reverse().join(' '))).toBe(oneLine(spec.description))
      // What the runner passes when a workflow leaves the input out.
      expect(last).toBe(
        spec.required ? 'Required.' : `Default: ${JSON.stringify(spec.default ?? '')}`
      )
    }
  )

  it('lists every output of action.yml, in its order, with its description', () => {
    expect(tableRows(section('outputs'))).toEqual(
      Object.entries(actionYml.outputs).map(([name, spec]) => [name, oneLine(spec.description)])
    )
  })
})

describe('action.yml', () => {
  it('declares every input and output the code uses, and no other', () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(actionYml.inputs).sort())
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort())
  })

  it('describes every input and output, gives optional inputs a default, and runs on node24', () => {
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
})

describe('docs/development.md, and the README', () => {
  it('name every npm script, and no script that does not exist', () => {
    const named = new Set(
      [...`${readme}\n${development}`.matchAll(/\bnpm (?:run ([\w:-]+)|(test))\b/g)].map(
        m => m[1] ?? m[2]
      )
    )
    expect([...named].filter(name => !(name in pkg.scripts))).toEqual([])
    expect(Object.keys(pkg.scripts).filter(name => !named.has(name))).toEqual([])
  })

  it('says what every dev dependency is for, and lists no other', () => {
    const rows = tableRows(devDependencyTable)
    expect(rows.map(([name]) => name).sort()).toEqual(Object.keys(pkg.devDependencies).sort())
    for (const [name, purpose] of rows) expect([name, purpose.trim()]).not.toEqual([name, ''])
  })
})

describe('actionlint', () => {
  it('sees the workflow files and every workflow example of the README', () => {
    const names = workflowSources(root).map(([name]) => name)
    expect(names).toEqual(expect.arrayContaining(['.github/workflows/ci.yml']))
    expect(readmeWorkflows(readme).length).toBeGreaterThanOrEqual(5)
  })

  it('has no findings on any of them', async () => {
    expect(await lintWorkflows(workflowSources(root))).toEqual([])
  })
})
