import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { captureStdout } from './helpers/capture.js'
import {
  logDetails,
  logFile,
  logProgress,
  logRetry,
  logStart,
  logStopped,
  logTask,
  logTotals,
  logWaiting
} from '../src/report/log.js'
import { failureMessage } from '../src/report/failure.js'
import { WORKSPACE, allGood, badKey, file, withFailures, withTasks } from './golden/runs.js'
import type { RunResult } from '../src/results.js'

let out: ReturnType<typeof captureStdout>
let saved: NodeJS.ProcessEnv
beforeEach(() => {
  saved = { ...process.env }
  process.env.GITHUB_WORKSPACE = WORKSPACE
  delete process.env.RUNNER_DEBUG
  out = captureStdout()
})
afterEach(() => {
  out.restore()
  process.env = saved
})

/** The lines the page shows at info level (debug lines are hidden unless debug logging is on). */
function shown(): string[] {
  return out.writes
    .join('')
    .split('\n')
    .filter(line => line !== '' && !line.startsWith('::debug::'))
}

/** What the coordinator's pipeline logs for a finished run, in order. */
function logRun(run: RunResult, urls: number): void {
  logStart({ files: urls, tasks: run.tasks.length, dir: run.dir })
  // The pipeline says why it stopped the moment the answer comes, before that file's own line.
  if (run.stopped) logStopped(run.stopped)
  for (const f of run.files) logFile(f)
  for (const t of run.tasks) logTask(t)
  logTotals(run)
  logDetails(run)
}

describe('step log', () => {
  it('says what, how many and where, one line per file, then the totals', () => {
    logRun(allGood, 5)
    expect(shown()).toEqual([
      'Downloading 5 files into kie-downloads/',
      '✔ img-1.png  1.0 MiB  image/png  0.4 s',
      '✔ renders/hero image.png  1.0 MiB  image/png  0.4 s',
      '↷ img-3.png  1.0 MiB  image/png  already there, skipped',
      '✔ img-4.png  1.0 MiB  image/png  0.4 s',
      '↷ img-1.png  1.0 MiB  image/png  same URL as #1, fetched once',
      '3 downloaded, 1 skipped; 3.0 MiB in 9.2 s (337.0 KiB/s)'
    ])
  })

  it('names files and tasks with their short task ID, one line when a task settles', () => {
    logRun(withTasks, 1)
    const lines = shown()
    expect(lines[0]).toBe('Downloading 1 file and the results of 4 tasks into kie-downloads/')
    expect(lines).toContain(
      '✔ 281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f_1.png  1.0 MiB  image/png  0.4 s  market task …5c6d7e8f'
    )
    expect(lines).toContain('◆ market task …5c6d7e8f succeeded in 34.1 s: 2 files')
    expect(lines).toContain(
      '✖ 4o-image task …2a3d4e5f failed after 12.0 s: GENERATE_FAILED (400): content policy violation'
    )
    expect(lines).toContain(
      '✖ veo task …ef123456 timed out after 15 min 0 s: still generating after 900 s'
    )
    expect(lines).toContain('↷ suno task …f3a4b5c6: its files are already there, not looked up')
    // A task's "no file" row is said by its task line, not again as a file.
    expect(lines.filter(l => l.includes('content policy'))).toHaveLength(1)
    expect(lines.at(-1)).toBe(
      '3 downloaded, 2 skipped, 2 failed; 3.0 MiB in 15 min 2 s (3.4 KiB/s)'
    )
  })

  it('keeps a bad key with 200 URLs under 30 lines, with the reason in the log and the error', () => {
    logRun(badKey, 200)
    const message = failureMessage(badKey, false) ?? ''
    const lines = [...shown(), ...message.split('\n')]
    expect(lines.length).toBeLessThan(30)
    expect(shown()).toEqual([
      'Downloading 200 files into kie-downloads/',
      '■ Stopped: kie.ai answered 401, the API key is missing or wrong: "You do not have access permissions". Nothing more will start.',
      // The reason is said once in the log; the file that met it points there.
      '✖ img-1.png: stopped the run (see above)',
      '0 downloaded, 1 failed, 199 not started; nothing transferred in 0.6 s'
    ])
  })

  it('writes no details unless debug logging is on (the runner would hide them anyway)', () => {
    logDetails(withFailures)
    expect(out.writes.join('')).toBe('')
  })

  it('puts the details at debug, hidden on the page', () => {
    process.env.RUNNER_DEBUG = '1'
    logDetails(withFailures)
    const debug = out.writes
      .join('')
      .split('\n')
      .filter(l => l.startsWith('::debug::'))
    expect(debug).toHaveLength(5)
    expect(debug[0]).toContain(
      `path=${WORKSPACE}/kie-downloads/img-1.png sha256=${'01'.repeat(32)}`
    )
    expect(out.writes.join('')).not.toContain('X-Amz')
  })

  it('never lets a name from outside start a runner command', () => {
    logFile(file(1, { name: '::error::forged\n::add-mask::x' }))
    expect(out.writes.join('')).not.toMatch(/^::(error|add-mask)/m)
  })

  it('says what is still running, with the status in words, progress and time', () => {
    logWaiting([
      {
        taskId: '281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f',
        type: 'market',
        status: 'generating',
        progress: '0.48',
        sinceMs: 80_000
      },
      {
        taskId: 'veo_task_abcdef123456',
        type: 'veo',
        status: 'generating',
        progress: null,
        sinceMs: 31_000
      }
    ])
    expect(shown()).toEqual([
      '⏳ Waiting for 2 tasks: market task …5c6d7e8f generating 48% (1 min 20 s), veo task …ef123456 generating (31.0 s)'
    ])
  })

  it('counts the tasks it does not name while waiting', () => {
    logWaiting(
      Array.from({ length: 8 }, (_, i) => ({
        taskId: `t${i}`,
        type: 'suno',
        status: 'pending',
        progress: null,
        sinceMs: 3000
      }))
    )
    expect(shown()[0]).toMatch(
      /^⏳ Waiting for 8 tasks: suno task t0 pending \(3\.0 s\), .*, and 3 more$/
    )
  })

  it('puts retries and progress under the file, indented', () => {
    logRetry('#3 cat.png', {
      what: '#3 cat.png',
      retry: 1,
      of: 3,
      waitMs: 1200,
      reason: 'file host answered HTTP 503'
    })
    logProgress('#3 cat.png', { bytes: 12 * 1024 * 1024, total: 25 * 1024 * 1024, elapsedMs: 2000 })
    expect(shown()).toEqual([
      '  ↻ #3 cat.png: file host answered HTTP 503; retry 1 of 3 in 1.2 s',
      '  … #3 cat.png: 48% (12.0 MiB of 25.0 MiB, 6.0 MiB/s)'
    ])
  })
})
