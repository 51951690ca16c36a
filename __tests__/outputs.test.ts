import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { captureStdout } from './helpers/capture.js'
import { useStepEnv } from './helpers/step-env.js'
import { readOutputs } from '../scripts/runner.js'
import { MAX_OUTPUT_BYTES, setOutputs } from '../src/report/outputs.js'
import { allGood, file, run, withTasks } from './golden/runs.js'

let root: string
let outputFile: string
let out: ReturnType<typeof captureStdout>
const setEnv = useStepEnv()

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kie-outputs-'))
  outputFile = path.join(root, 'output')
  writeFileSync(outputFile, '')
  setEnv({ GITHUB_OUTPUT: outputFile, RUNNER_TEMP: root })
  out = captureStdout()
})
afterEach(() => {
  out.restore()
  rmSync(root, { recursive: true, force: true })
})

describe('outputs', () => {
  it('sets paths, files, count, downloaded, failed, dir, tasks and manifest; URLs without their query', async () => {
    await setOutputs(allGood)
    const o = readOutputs(outputFile)
    expect(o.count).toBe('4')
    // Downloaded by this run: not the skipped file, and the URL listed twice once.
    expect(o.downloaded).toBe('3')
    expect(o.failed).toBe('0')
    expect(o.dir).toBe(allGood.dir)
    expect(o.paths.split('\n')).toEqual(
      ['img-1.png', 'renders/hero image.png', 'img-3.png', 'img-4.png'].map(
        n => `${allGood.dir}/${n}`
      )
    )
    const files = JSON.parse(o.files)
    expect(files).toHaveLength(5)
    expect(files[0]).toEqual({
      url: 'https://tempfile.aiquickdraw.com/workers/nano/1-a1b2c3.png',
      taskId: null,
      path: `${allGood.dir}/img-1.png`,
      name: 'img-1.png',
      bytes: 1024 * 1024 + 4096,
      sha256: '01'.repeat(32),
      contentType: 'image/png',
      status: 'downloaded',
      error: null
    })
    expect(o.tasks).toBe('[]')
    expect(o.manifest.startsWith(root + path.sep)).toBe(true)
    expect(JSON.parse(readFileSync(o.manifest, 'utf8'))).toEqual(files)
    expect(readFileSync(outputFile, 'utf8')).not.toMatch(/X-Amz|\?/)
    expect(out.writes.join('')).toBe('')
  })

  it('lists each task once in input order, and a task without a file once with url null', async () => {
    await setOutputs(withTasks)
    const o = readOutputs(outputFile)
    expect(JSON.parse(o.tasks)).toEqual([
      {
        taskId: '281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f',
        type: 'market',
        state: 'success',
        files: 2,
        error: null
      },
      {
        taskId: 'task_4o_9c1b2a3d4e5f',
        type: '4o-image',
        state: 'failed',
        files: 0,
        error: 'GENERATE_FAILED (400): content policy violation'
      },
      {
        taskId: 'veo_task_abcdef123456',
        type: 'veo',
        state: 'timeout',
        files: 0,
        error: 'still generating after 900 s'
      },
      { taskId: '5c79d1e2f3a4b5c6', type: 'suno', state: 'skipped', files: 2, error: null }
    ])
    const files = JSON.parse(o.files) as Array<Record<string, unknown>>
    expect(files.filter(f => f.taskId === 'task_4o_9c1b2a3d4e5f')).toEqual([
      expect.objectContaining({ url: null, status: 'failed', path: null })
    ])
    expect(o.failed).toBe('2')
  })

  it('leaves a 3 MB files output unset with a warning naming manifest; count, failed, dir and manifest set', async () => {
    const big = run(
      Array.from({ length: 8_200 }, (_, i) => file(i + 1, i === 5 ? { status: 'failed' } : {}))
    )
    await setOutputs(big)
    const o = readOutputs(outputFile)
    expect(o.files).toBeUndefined()
    expect(o.count).toBe('8199')
    expect(o.failed).toBe('1')
    expect(o.dir).toBe(big.dir)
    expect(o.paths).toBeDefined() // about 700 KB: under the limit
    expect(o.tasks).toBe('[]')
    const manifest = readFileSync(o.manifest, 'utf8')
    expect(Buffer.byteLength(manifest)).toBeGreaterThan(3 * MAX_OUTPUT_BYTES)
    expect(JSON.parse(manifest)).toHaveLength(8_200)
    const warnings = out.writes
      .join('')
      .split('\n')
      .filter(l => l.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /`files` output would be 2\.9 MiB, over GitHub's limit.*left unset.*`manifest` output/
    )
  })

  it('says "not started" and "cancelled" for entries the stop kept from arriving, from their stoppedBy', async () => {
    const stopped = run(
      [
        file(1, { status: 'failed', error: null, stoppedBy: 'not-started' }),
        file(2, { status: 'failed', error: null, stoppedBy: 'cancelled' })
      ],
      {
        tasks: [
          {
            taskId: 'T',
            type: 'market',
            state: 'failed',
            files: 0,
            error: null,
            stoppedBy: 'cancelled',
            ms: 0
          }
        ],
        stopped: 'cancelled by SIGTERM; files that finished are kept'
      }
    )
    await setOutputs(stopped)
    const o = readOutputs(outputFile)
    const files = JSON.parse(o.files)
    expect(files.map((f: { error: unknown }) => f.error)).toEqual(['not started', 'cancelled'])
    expect(JSON.parse(readFileSync(o.manifest, 'utf8'))).toEqual(files)
    expect(JSON.parse(o.tasks)).toEqual([
      { taskId: 'T', type: 'market', state: 'failed', files: 0, error: 'cancelled' }
    ])
    expect(o.failed).toBe('2')
  })

  it('falls back to the system temp folder without RUNNER_TEMP', async () => {
    setEnv({ RUNNER_TEMP: undefined })
    await setOutputs(allGood)
    const { manifest } = readOutputs(outputFile)
    expect(path.dirname(manifest)).toBe(os.tmpdir())
    expect(existsSync(manifest)).toBe(true)
    rmSync(manifest)
  })
})
