import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { EntryResult } from '../src/pipeline/batch.js'
import { MAX_SUMMARY_ROWS, formatBytes, writeSummary } from '../src/report/report.js'

let dir: string
let summaryFile: string

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kie-report-'))
  summaryFile = path.join(dir, 'summary')
  writeFileSync(summaryFile, '')
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  core.summary.emptyBuffer()
})

afterEach(() => {
  delete process.env.GITHUB_STEP_SUMMARY
  rmSync(dir, { recursive: true, force: true })
})

function result(
  index: number,
  status: EntryResult['status'],
  extra: Partial<EntryResult> = {}
): EntryResult {
  return {
    entry: { kind: 'url', index, url: `https://h.example/v/${index}.png`, taskId: null, endpoint: 'common' },
    status,
    path: status === 'failed' ? null : `/w/${index}.png`,
    name: `${index}.png`,
    bytes: status === 'failed' ? null : 2048,
    sha256: status === 'failed' ? null : 'ab'.repeat(32),
    contentType: 'image/png',
    error: status === 'failed' ? 'boom' : null,
    ms: 1,
    ...extra
  }
}

describe('job summary', () => {
  it('has a row per entry with name, size, short sha256, status and error, every cell closed', async () => {
    await writeSummary([result(1, 'downloaded'), result(2, 'failed')], '/w')
    const html = readFileSync(summaryFile, 'utf8')
    expect(html).toContain('1 downloaded, 0 skipped, 1 failed')
    expect(html).toContain(
      '<td>1.png</td><td>2.0 KiB</td><td><code>abababababab</code></td><td>✅ downloaded</td><td>–</td>'
    )
    expect(html).toContain('<td>❌ failed</td><td>boom</td>')
    expect(html).not.toMatch(/<td>(?!.*<\/td>)/)
  })

  it('escapes names and errors that came from outside', async () => {
    await writeSummary(
      [result(1, 'failed', { name: '<b>x</b>', error: '<img src=x onerror=alert(1)>' })],
      '/w<i>'
    )
    const html = readFileSync(summaryFile, 'utf8')
    expect(html).not.toMatch(/<b>|<img|<i>/)
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;')
  })

  it('stays under the runner’s 1 MiB limit for huge batches, keeping every failure', async () => {
    const results = Array.from({ length: MAX_SUMMARY_ROWS + 500 }, (_, i) =>
      result(i + 1, i === MAX_SUMMARY_ROWS + 100 ? 'failed' : 'downloaded')
    )
    await writeSummary(results, '/w')
    const html = readFileSync(summaryFile, 'utf8')
    expect((html.match(/<tr>/g) ?? []).length).toBe(MAX_SUMMARY_ROWS + 1)
    expect(html).toContain(`<td>${MAX_SUMMARY_ROWS + 101}.png</td>`)
    expect(html).toContain('… and 500 more entries')
    expect(Buffer.byteLength(html)).toBeLessThan(1024 * 1024)
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536 * 1024, '1.5 MiB'],
    [3 * 1024 ** 3, '3.0 GiB']
  ])('%i bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
