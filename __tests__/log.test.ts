import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { captureStdout } from './helpers/capture.js'
import { useStepEnv } from './helpers/step-env.js'
import {
  FILE_LINES_SHOWN,
  logDetails,
  logFile,
  logLanded,
  logMoreFiles,
  logProgress,
  logRetry,
  logStart,
  logStopped,
  logTask,
  logTotals,
  logWaiting
} from '../src/report/log.js'
import { failureMessage } from '../src/report/failure.js'
import { DIR, WORKSPACE, allGood, badKey, file, withFailures, withTasks } from './golden/runs.js'
import type { RunResult } from '../src/results.js'

const setEnv = useStepEnv({ GITHUB_WORKSPACE: WORKSPACE, RUNNER_DEBUG: undefined })
let out: ReturnType<typeof captureStdout>
beforeEach(() => {
  out = captureStdout()
})
afterEach(() => {
  out.restore()
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
      '3 files downloaded, 1 skipped · 3.0 MiB in 9.2 s (337.0 KiB/s)'
    ])
  })

  it('names files and tasks with their whole task ID, one line when a task settles', () => {
    logRun(withTasks, 1)
    const lines = shown()
    expect(lines[0]).toBe('Downloading 1 file and the results of 4 tasks into kie-downloads/')
    expect(lines).toContain(
      '✔ 281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f_1.png  1.0 MiB  image/png  0.4 s  market task 281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f'
    )
    expect(lines).toContain(
      '◆ market task 281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f succeeded in 34.1 s: 2 files'
    )
    expect(lines).toContain(
      '✖ 4o-image task task_4o_9c1b2a3d4e5f failed after 12.0 s: GENERATE_FAILED (400): content policy violation'
    )
    expect(lines).toContain(
      '✖ veo task veo_task_abcdef123456 timed out after 15 min 0 s: still generating after 900 s'
    )
    expect(lines).toContain(
      '↷ suno task 5c79d1e2f3a4b5c6: its files are already there, not looked up'
    )
    // A task's "no file" row is said by its task line, not again as a file.
    expect(lines.filter(l => l.includes('content policy'))).toHaveLength(1)
    expect(lines.at(-1)).toBe(
      '3 files downloaded, 2 skipped; 1 task failed, 1 timed out · 3.0 MiB in 15 min 2 s (3.4 KiB/s)'
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
      '0 files downloaded, 1 failed, 199 not started · nothing transferred in 0.6 s'
    ])
  })

  it('gives a task the stop ended its word, and stays quiet about files the stop kept from starting', () => {
    logTask({
      taskId: 'slow',
      type: 'market',
      state: 'failed',
      files: 0,
      error: null,
      stoppedBy: 'not-started',
      ms: 0
    })
    logFile(file(2, { status: 'failed', error: null, stoppedBy: 'cancelled' }))
    expect(shown()).toEqual(['✖ market task slow failed after 0.0 s: not started'])
  })

  it('writes no details unless debug logging is on (the runner would hide them anyway)', () => {
    logDetails(withFailures)
    expect(out.writes.join('')).toBe('')
  })

  it('puts the details at debug, hidden on the page', () => {
    setEnv({ RUNNER_DEBUG: '1' })
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
      '⏳ Waiting for 2 tasks: market task 281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f generating 48% (1 min 20 s), veo task veo_task_abcdef123456 generating (31.0 s)'
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

describe('step log of a big run', () => {
  const big = (n: number, failedAt: number[] = []): RunResult => ({
    ...allGood,
    files: Array.from({ length: n }, (_, i) =>
      file(i + 1, failedAt.includes(i + 1) ? { status: 'failed' } : {})
    )
  })

  /** Lines outside any ::group:: block, and the lines inside. */
  function split(): { outside: string[]; inside: string[] } {
    const outside: string[] = []
    const inside: string[] = []
    let depth = 0
    for (const line of shown()) {
      if (line.startsWith('::group::')) depth++
      else if (line.startsWith('::endgroup::')) depth--
      else (depth > 0 ? inside : outside).push(line)
    }
    return { outside, inside }
  }

  it(`writes each file's line as it lands up to ${FILE_LINES_SHOWN} files`, () => {
    logRun(big(FILE_LINES_SHOWN), FILE_LINES_SHOWN)
    expect(split().inside).toEqual([])
    expect(split().outside).toHaveLength(FILE_LINES_SHOWN + 2)
  })

  it('past that, keeps arrivals for one collapsed group at the end; failures and totals stay outside', () => {
    const r = big(1000, [7, 999])
    logRun(r, 1000)
    const { outside, inside } = split()
    expect(inside).toHaveLength(998)
    expect(outside).toEqual([
      'Downloading 1000 files into kie-downloads/',
      expect.stringMatching(/^✖ img-7\.png: file host answered HTTP 404$/),
      expect.stringMatching(/^✖ img-999\.png: file host answered HTTP 404$/),
      expect.stringMatching(/^998 files downloaded, 2 failed · /)
    ])
    const text = out.writes.join('')
    expect(text.indexOf('::group::')).toBeLessThan(text.indexOf('998 files downloaded'))
    expect(text).toContain('::group::Files that arrived or were already there (998 lines)')
  })

  it('counts a task’s files when it succeeds: the group starts once the run passes the limit', () => {
    logStart({ files: 150, tasks: 1, dir: DIR })
    for (let i = 1; i <= 150; i++) logFile(file(i))
    logMoreFiles(60)
    for (let i = 151; i <= 210; i++) logFile(file(i))
    logTotals(big(210))
    expect(split().inside).toHaveLength(60)
  })

  it('says every 30 s how far a big run is, and nothing in a small one', () => {
    logStart({ files: 300, tasks: 0, dir: DIR })
    for (let i = 1; i <= 120; i++) logFile(file(i))
    logLanded()
    expect(shown().at(-1)).toBe('… 120 of 300 files done so far')
    out.writes.length = 0
    logStart({ files: 3, tasks: 0, dir: DIR })
    logFile(file(1))
    logLanded()
    expect(shown()).toEqual(['Downloading 3 files into kie-downloads/', expect.any(String)])
  })
})
