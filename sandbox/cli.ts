// Run a sandbox with the sample files until SIGINT/SIGTERM: `npm run sandbox -- --port 8787`.
import { parseArgs } from 'node:util'
import { SAMPLE_FILES, SAMPLE_TASKS } from './samples.ts'
import { Sandbox } from './server.ts'

const USAGE = `usage: node sandbox/cli.ts [--port N] [--file-port N] [--api-latency MS] [--file-latency MS]
                           [--error-style body|http] [--same-host] [--ttl SECONDS]`

function whole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) {
    console.error(`--${name} must be a whole number >= 0, got ${JSON.stringify(value)}\n${USAGE}`)
    process.exit(2)
  }
  return Number(value)
}

let args
try {
  args = parseArgs({
    options: {
      port: { type: 'string' },
      'file-port': { type: 'string' },
      'api-latency': { type: 'string' },
      'file-latency': { type: 'string' },
      'error-style': { type: 'string' },
      'same-host': { type: 'boolean' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  }).values
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
const errorStyle = args['error-style'] ?? 'body'
if (errorStyle !== 'body' && errorStyle !== 'http') {
  console.error(`--error-style must be body or http, got ${JSON.stringify(errorStyle)}\n${USAGE}`)
  process.exit(2)
}

const sandbox = await Sandbox.start({
  port: whole('port', args.port),
  filePort: whole('file-port', args['file-port']),
  apiLatencyMs: whole('api-latency', args['api-latency']),
  fileLatencyMs: whole('file-latency', args['file-latency']),
  signedUrlTtlSeconds: whole('ttl', args.ttl),
  errorStyle,
  fileHost: args['same-host'] ? 'same' : 'separate'
}).catch((error: Error) => {
  console.error(`cannot start the sandbox: ${error.message}`)
  process.exit(1)
})
const files = await Promise.all(SAMPLE_FILES.map(file => sandbox.register(file)))
const tasks = await Promise.all(SAMPLE_TASKS.map(task => sandbox.registerTask({ ...task })))

const lines = [
  `kie.ai sandbox listening`,
  `  base URL   ${sandbox.baseUrl}`,
  `  file host  ${sandbox.fileBaseUrl}`,
  `  API key    ${sandbox.apiKey}`,
  `  sample URLs:`,
  ...files.map(
    f =>
      `    ${f.url}  ${f.contentType}, ${f.size} bytes${f.taskId ? `, taskId ${f.taskId}` : ''}, sha256 ${f.sha256}`
  ),
  `  sample tasks (each finishes at its second look):`,
  ...tasks.map(t => `    ${t.taskId}  task-type ${t.type}, ${t.files.length} files`),
  ...tasks.flatMap(t =>
    t.files.map(
      f => `    ${f.url}  ${f.contentType}, ${f.size} bytes, taskId ${t.taskId}, sha256 ${f.sha256}`
    )
  ),
  `  try:`,
  `    curl -s -X POST ${sandbox.baseUrl}/api/v1/common/download-url -H 'Authorization: Bearer ${sandbox.apiKey}' -H 'Content-Type: application/json' -d '{"url":"${files[0].url}"}'`,
  `  Ctrl-C to stop`
]
console.log(lines.join('\n'))

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: closing`)
    void sandbox.close().then(() => process.exit(0))
  })
}
