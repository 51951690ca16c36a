// `npm run demo`: the action end to end in one command, against the loopback sandbox, exactly as the runner runs it.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { SAMPLE_FILES, Sandbox } from '../sandbox/index.ts'
import { makeWorkspace, runDist } from './runner.ts'

const rule = (title: string): void =>
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`)

const sandbox = await Sandbox.start()
try {
  for (const file of SAMPLE_FILES) await sandbox.register({ ...file })
  const workspace = makeWorkspace()
  const entries = SAMPLE_FILES.map(f => (f.taskId ? { url: f.url, taskId: f.taskId } : f.url))
  const inputs = {
    'api-key': sandbox.apiKey,
    'base-url': sandbox.baseUrl,
    urls: JSON.stringify(entries)
  }
  console.log(`kie.ai sandbox at ${sandbox.baseUrl}; workspace ${workspace.dir}`)
  console.log('with:')
  for (const [name, value] of Object.entries(inputs)) console.log(`  ${name}: ${value}`)

  const run = await runDist(inputs, { workspace })

  rule('step log (node dist/index.js)')
  process.stdout.write(run.log)
  rule('outputs ($GITHUB_OUTPUT)')
  for (const [name, value] of Object.entries(run.outputs)) {
    console.log(`${name}:`)
    console.log(name === 'files' ? JSON.stringify(JSON.parse(value), null, 2) : value)
  }
  rule('job summary ($GITHUB_STEP_SUMMARY)')
  console.log(run.summary)
  rule('files written')
  const dir = run.outputs.dir
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stats = statSync(path.join(dir, name))
    if (stats.isFile()) console.log(`${String(stats.size).padStart(10)}  ${path.join(dir, name)}`)
  }
  rule(`exit code ${run.code}, ${(run.ms / 1000).toFixed(2)} s`)
  process.exitCode = run.code ?? 1
} finally {
  await sandbox.close()
}
