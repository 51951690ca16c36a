// The bundled action against hosts and disks that cannot be trusted: `wait` bounds task mode, Range parts never mix versions, an echoed key stays out of files, paths stay inside.
import { describe, expect, it } from '@jest/globals'
import type { Fault, RegisteredTask, Sandbox } from '../sandbox/index.ts'
import type { DistRun } from '../scripts/runner.ts'
import { useSandbox } from './helpers/sandbox-suite.js'

let sandbox: Sandbox

const run = useSandbox(started => {
  sandbox = started
})

let counter = 0
/** A Market task that is still generating for a long while. */
function slowTask(): Promise<RegisteredTask> {
  return sandbox.registerTask({
    type: 'market',
    taskId: `hostile-${++counter}-0000`,
    pendingLooks: 1000,
    files: [{ url: `https://tempfile.aiquickdraw.com/h/${counter}.png`, size: 1000 }]
  })
}

const tasksOutput = (r: DistRun): Array<Record<string, unknown>> =>
  JSON.parse(r.outputs.tasks ?? '[]')

/** Every text the step left for people and later steps: log, outputs, summary. */
const everything = (r: DistRun): string =>
  [r.log, r.summary, ...Object.values(r.outputs)].join('\n')

describe('wait bounds task mode', () => {
  const WAIT = 3
  const TIMEOUT = 1
  /** `wait` + `timeout` + a few seconds (the process's own start and wind-down included). */
  const BOUND_MS = (WAIT + TIMEOUT + 3) * 1000

  it.each<[string, number, Fault]>([
    [
      'HTTP 429 with Retry-After: 60',
      3,
      { kind: 'code', code: 429, httpStatus: 429, retryAfter: '60' }
    ],
    ['body code 429 with Retry-After: 60', 1, { kind: 'code', code: 429, retryAfter: '60' }],
    ['body code 429 without Retry-After', 1, { kind: 'code', code: 429 }],
    [
      'a trickle: 2 KiB every 0.5 s, never finishing',
      1,
      { kind: 'drip', bytes: 2048, everyMs: 500 }
    ]
  ])(
    'lookups answering %s: %i Market task(s) end within wait + timeout + 3 s, as timed out',
    async (_, count, fault) => {
      const tasks: RegisteredTask[] = []
      for (let i = 0; i < count; i++) tasks.push(await slowTask())
      sandbox.inject({ target: 'api', fault, times: Infinity })
      const r = await run(
        {
          'task-ids': tasks.map(t => t.taskId).join('\n'),
          'task-type': 'market',
          wait: String(WAIT),
          timeout: String(TIMEOUT)
        },
        { timeoutMs: 30_000 }
      )
      expect(r.ms).toBeLessThan(BOUND_MS)
      expect(r.code).toBe(1)
      expect(tasksOutput(r).map(t => t.state)).toEqual(tasks.map(() => 'timeout'))
      for (const t of tasksOutput(r)) {
        expect(t.error).toMatch(fault.kind === 'drip' ? /not complete within 1 s/ : /429/)
      }
      expect(everything(r)).not.toMatch(/Infinity|NaN/)
    },
    35_000
  )
})
