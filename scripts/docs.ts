// Generates the README's usage block and outputs table from action.yml (`npm run docs`; a test checks they agree).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

export const ACTION_REF = 'kie-download/kie-download@v1'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const root = path.join(import.meta.dirname, '..')

/** A `with:` block like actions/checkout's README: each input's description, then its default. */
export function usageBlock(action: ActionYml): string {
  const lines = ['```yaml', `- uses: ${ACTION_REF}`, '  with:']
  for (const [name, input] of Object.entries(action.inputs)) {
    for (const line of input.description.trim().split('\n')) lines.push(`    # ${line}`.trimEnd())
    lines.push(
      input.required ? '    # Required.' : `    # Default: ${JSON.stringify(input.default ?? '')}`
    )
    lines.push(`    ${name}: ''`, '')
  }
  lines.pop()
  lines.push('```')
  return lines.join('\n')
}

export function outputsTable(action: ActionYml): string {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${output.description.trim().replace(/\|/g, '\\|')} |`
  )
  return ['| output | value |', '| --- | --- |', ...rows].join('\n')
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function fill(readme: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} ... ${end} markers`)
  return `${readme.slice(0, from + start.length)}\n${content}\n${readme.slice(to)}`
}

export function render(readme: string, actionText: string): string {
  const action = parse(actionText) as ActionYml
  return fill(fill(readme, 'usage', usageBlock(action)), 'outputs', outputsTable(action))
}

if (process.argv[1] === import.meta.filename) {
  const readmePath = path.join(root, 'README.md')
  const next = render(
    readFileSync(readmePath, 'utf8'),
    readFileSync(path.join(root, 'action.yml'), 'utf8')
  )
  writeFileSync(readmePath, next)
  console.log('README.md usage and outputs regenerated from action.yml')
}
