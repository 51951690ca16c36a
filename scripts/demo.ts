// `npm run demo`: the action end to end in one command, against the loopback sandbox, shown as GitHub's page shows it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { SAMPLE_FILES, SAMPLE_TASKS, Sandbox } from '../sandbox/index.ts'
import { makeWorkspace, runDist } from './runner.ts'
import { runnerView, summaryText } from './runner-view.ts'

const rule = (title: string): void =>
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`)

/** Paths as the reader's workflow would see them: relative to the workspace. */
const relative = (text: string, workspace: string): string =>
  text
    .split(workspace + path.sep)
    .join('')
    .split(workspace)
    .join('.')

interface Example {
  title: string
  inputs: Record<string, string>
}

/** Runs one step as the runner would and shows what a person sees of it. */
async function show(sandbox: Sandbox, example: Example): Promise<number> {
  const workspace = makeWorkspace()
  const inputs = { 'api-key': sandbox.apiKey, 'base-url': sandbox.baseUrl, ...example.inputs }
  console.log(`\n━━ ${example.title} ${'━'.repeat(Math.max(0, 68 - example.title.length))}`)
  console.log(`workspace ${workspace.dir}`)
  console.log('with:')
  // The page shows a secret input masked too.
  for (const [name, value] of Object.entries(inputs)) {
    console.log(`  ${name}: ${name === 'api-key' ? '***' : value}`)
  }

  const run = await runDist(inputs, { workspace })

  rule('step log, as the page shows it (masks applied, runner commands hidden)')
  console.log(runnerView(run.log).trimEnd())
  rule('outputs ($GITHUB_OUTPUT)')
  for (const [name, value] of Object.entries(run.outputs)) {
    const json = name === 'files' || name === 'tasks'
    console.log(`${name}:`)
    console.log(json ? JSON.stringify(JSON.parse(value), null, 2) : value)
  }
  const manifest = run.outputs.manifest
  if (manifest && existsSync(manifest)) {
    const items = JSON.parse(readFileSync(manifest, 'utf8')) as unknown[]
    console.log(`(the manifest file holds the same ${items.length} entries as \`files\`)`)
  }
  rule('job summary, rendered ($GITHUB_STEP_SUMMARY)')
  console.log(relative(summaryText(run.summary), workspace.dir).trimEnd())
  rule('files written')
  const dir = run.outputs.dir
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stats = statSync(path.join(dir, name))
    if (stats.isFile()) console.log(`${String(stats.size).padStart(10)}  ${path.join(dir, name)}`)
  }
  rule(`exit code ${run.code}, ${(run.ms / 1000).toFixed(2)} s`)
  return run.code ?? 1
}

const sandbox = await Sandbox.start()
try {
  for (const file of SAMPLE_FILES) await sandbox.register({ ...file })
  for (const task of SAMPLE_TASKS) await sandbox.registerTask({ ...task })
  console.log(`kie.ai sandbox at ${sandbox.baseUrl} (loopback; no key, no network needed)`)
  const codes = [
    await show(sandbox, {
      title: 'URL mode: three generated files',
      inputs: {
        urls: JSON.stringify(
          SAMPLE_FILES.map(f => (f.taskId ? { url: f.url, taskId: f.taskId } : f.url))
        )
      }
    }),
    await show(sandbox, {
      title: 'task mode: wait for two tasks, then download their results',
      inputs: {
        'task-ids': JSON.stringify(SAMPLE_TASKS.map(t => ({ taskId: t.taskId, type: t.type }))),
        filename: '{taskId}/{n}-{name}'
      }
    })
  ]
  process.exitCode = codes.some(code => code !== 0) ? 1 : 0
} finally {
  await sandbox.close()
}
