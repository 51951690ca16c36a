import { describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  MAX_SUMMARY_BYTES,
  mdCode,
  mdText,
  summaryMarkdown,
  writeSummary
} from '../src/report/summary.js'
import {
  WORKSPACE,
  allGood,
  badKey,
  bigTask,
  many,
  partlyFailed,
  run,
  withFailures,
  withTasks
} from './golden/runs.js'
import { useStepEnv } from './helpers/step-env.js'

const GOLDEN = path.join(import.meta.dirname, 'golden')

/** The golden file's text; UPDATE_GOLDEN=1 rewrites it first (then read the diff, and look at it rendered). */
function golden(name: string, text: string): string {
  const file = path.join(GOLDEN, name)
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, text)
  return readFileSync(file, 'utf8')
}

const setEnv = useStepEnv({ GITHUB_WORKSPACE: WORKSPACE })

describe('job summary (golden Markdown)', () => {
  it.each([
    ['all-good.md', allGood],
    ['with-failures.md', withFailures],
    ['with-tasks.md', withTasks],
    ['bad-key.md', badKey]
  ])('%s', (name, run) => {
    const md = summaryMarkdown(run)
    expect(md).toBe(golden(name, md))
  })

  it('summary: failures, fail-on-error: false, sharded: failed rows only, a neutral title', () => {
    const md = summaryMarkdown(partlyFailed, {
      rows: 'failures',
      outcome: 'warning',
      shard: 'shard 2/3: 4 of 11 entries'
    })
    expect(md).toBe(golden('failures-only.md', md))
  })

  it('a task with a failed file: in both tables, each under the task', () => {
    const md = summaryMarkdown(partlyFailed, { outcome: 'warning' })
    expect(md).toBe(golden('partly-failed.md', md))
  })

  it('nothing to download', () => {
    const nothing =
      "Nothing to download: 'urls-file' (kie-urls.txt) lists no file URL and no task (only blank lines, # comments or an empty array)."
    const md = summaryMarkdown(run([], { elapsedMs: 30 }), { outcome: 'warning', nothing })
    expect(md).toBe(golden('nothing.md', md))
  })

  it('cut at the cap: failures kept first, the rest in input order, with a note', () => {
    const md = summaryMarkdown(many(12, [11]), {}, 1500)
    expect(md).toBe(golden('cut.md', md))
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(1500)
  })
})

describe('job summary', () => {
  it('shows no absolute runner path and no query string', () => {
    for (const run of [allGood, withFailures, withTasks, badKey]) {
      const md = summaryMarkdown(run)
      expect(md).not.toContain(WORKSPACE)
      expect(md).not.toContain('/home/runner')
      expect(md).not.toMatch(/X-Amz|Signature|\?/)
    }
  })

  it('has an error column only when something failed', () => {
    expect(summaryMarkdown(allGood)).not.toContain('Error')
    expect(summaryMarkdown(withFailures)).toContain('| Status | Error |')
  })

  it('shows a URL listed twice once, with both positions', () => {
    const md = summaryMarkdown(allGood)
    expect(md).toContain('| 1, 5 | `img-1.png` |')
    expect(md.match(/img-1\.png`/g)).toHaveLength(1)
    expect(md).toContain('3 files downloaded, 1 skipped')
  })

  it('keeps a bad key with 200 URLs under 10 KB, the reason said once', () => {
    const md = summaryMarkdown(badKey)
    expect(Buffer.byteLength(md)).toBeLessThan(10 * 1024)
    expect(md.split('You do not have access permissions')).toHaveLength(2)
  })

  it('stays under the runner’s 1 MiB cap for 20,000 files, keeping every failure', () => {
    const md = summaryMarkdown(many(20_000, [19_999]))
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(md).toContain('| 19999 | `img-19999.png` |')
    expect(md).toMatch(/_\d+ more entries are not shown/)
  })

  it('shows a task with 10,000 results by its row, its first files and a count of the rest', () => {
    const md = summaryMarkdown(bigTask(10_000))
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(md).toMatch(/\*\*market\*\* task `batch0000000000000000000000000000` · 10000.files/)
    expect(md).toContain('| 2 | ↳\u00a0`batch0000000000000000000000000000_1.png`')
    const shown = md.match(/^\| \d+ \| ↳/gm)?.length ?? 0
    expect(shown).toBeGreaterThan(1000)
    expect(md).toContain(
      `↳\u00a0_… and ${10_000 - shown} more files of this task, in the manifest_`
    )
    // The listed URL before it is shown too, and the closing note counts what is left out.
    expect(md).toContain('| 1 | `img-1.png` |')
    expect(md).toContain(`_${10_000 - shown} more entries are not shown`)
  })

  it('shows a task that fits whole without a count row', () => {
    const md = summaryMarkdown(bigTask(30))
    expect(md).not.toContain('more files of this task')
    expect(md.match(/^\| \d+ \| ↳/gm)).toHaveLength(30)
  })

  it('appends the Markdown to GITHUB_STEP_SUMMARY', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kie-summary-'))
    const file = path.join(dir, 'summary')
    writeFileSync(file, '')
    setEnv({ GITHUB_STEP_SUMMARY: file })
    ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
    try {
      await writeSummary(withTasks)
      expect(readFileSync(file, 'utf8')).toContain(summaryMarkdown(withTasks))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('escaping text from outside', () => {
  it('leaves no markup in plain text', () => {
    expect(mdText('<img src=x> | *b* [l](javascript:x) www.evil.example')).toBe(
      '\\<img src=x\\> \\| \\*b\\* \\[l\\](javascript\\:x) www\\.evil.example'
    )
  })

  it('makes a code span whatever the text holds', () => {
    expect(mdCode('a.png')).toBe('`a.png`')
    expect(mdCode('a`b|c')).toBe('``a`b\\|c``')
    expect(mdCode('`x`')).toBe('`` `x` ``')
    expect(mdCode('line\nbreak')).toBe('`line break`')
  })
})
