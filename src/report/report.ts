// Tells the world what happened: one log line per file, the step outputs, and the job summary table.
import * as core from '@actions/core'
import type { EntryResult } from '../pipeline/batch.js'
import { Outputs } from '../constants.js'
import { escapeHtml, oneLine, redactUrl } from '../util/safe-text.js'

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** One readable line per file, at info level; the details at debug. */
export function logResult(r: EntryResult): void {
  const source = redactUrl(r.entry.url)
  if (r.status === 'failed') {
    core.info(`✖ ${oneLine(r.name ?? source)}: ${oneLine(r.error ?? 'failed')}`)
  } else {
    const what = [formatBytes(r.bytes ?? 0), r.contentType ? oneLine(r.contentType, 60) : null]
    const how = r.status === 'skipped' ? 'already there, skipped' : `${(r.ms / 1000).toFixed(1)} s`
    core.info(
      `${r.status === 'skipped' ? '↷' : '✔'} ${oneLine(r.name ?? '')}  ${what.filter(Boolean).join(', ')}  ${how}`
    )
  }
  core.debug(
    `#${r.entry.index} ${source} -> ${r.path ?? '(none)'} sha256=${r.sha256 ?? '-'} endpoint=${r.entry.endpoint}`
  )
}

/** The `files` output item for one entry. URLs go out without their query string. */
function fileItem(r: EntryResult): Record<string, unknown> {
  return {
    url: redactUrl(r.entry.url),
    taskId: r.entry.taskId,
    path: r.path,
    name: r.name,
    bytes: r.bytes,
    sha256: r.sha256,
    contentType: r.contentType,
    status: r.status,
    error: r.error
  }
}

/** Sets every output; values go through core.setOutput only, so no value can forge another output. */
export function setOutputs(results: EntryResult[], dir: string): void {
  const paths = [...new Set(results.flatMap(r => (r.path ? [r.path] : [])))]
  core.setOutput(Outputs.Paths, paths.join('\n'))
  core.setOutput(Outputs.Files, JSON.stringify(results.map(fileItem)))
  core.setOutput(Outputs.Count, paths.length)
  core.setOutput(Outputs.Failed, results.filter(r => r.status === 'failed').length)
  core.setOutput(Outputs.Dir, dir)
}

/** Rows of the summary table at most (about 250 bytes each, well under the runner's 1 MiB). */
export const MAX_SUMMARY_ROWS = 1000

/** A table of every entry; everything that came from outside is escaped (no raw HTML). */
export async function writeSummary(results: EntryResult[], dir: string): Promise<void> {
  const counts = (['downloaded', 'skipped', 'failed'] as const).map(
    s => `${results.filter(r => r.status === s).length} ${s}`
  )
  const header = ['#', 'File', 'Size', 'sha256', 'Status', 'Error'].map(data => ({
    data,
    header: true
  }))
  // core.summary leaves an empty cell unclosed (`<td>`): every cell gets some text.
  const cell = (text: string): string => text || '–'
  // The runner refuses a step summary over 1 MiB: a huge batch lists its failures and first files.
  const shown = [
    ...results.filter(r => r.status === 'failed'),
    ...results.filter(r => r.status !== 'failed')
  ]
    .slice(0, MAX_SUMMARY_ROWS)
    .sort((a, b) => a.entry.index - b.entry.index)
  const hidden = results.length - shown.length
  const rows = shown.map(r =>
    [
      String(r.entry.index),
      escapeHtml(r.name ?? redactUrl(r.entry.url)),
      r.bytes === null ? '' : formatBytes(r.bytes),
      r.sha256 ? `<code>${r.sha256.slice(0, 12)}</code>` : '',
      r.status === 'failed' ? '❌ failed' : r.status === 'skipped' ? '↷ skipped' : '✅ downloaded',
      escapeHtml(oneLine(r.error ?? '', 500))
    ].map(cell)
  )
  await core.summary
    .addHeading('kie.ai downloads', 3)
    .addRaw(`<p>${counts.join(', ')} · into <code>${escapeHtml(dir)}</code></p>`, true)
    .addTable([header, ...rows])
    .addRaw(
      hidden > 0 ? `<p>… and ${hidden} more entries: see the <code>files</code> output.</p>` : '',
      true
    )
    .write()
}
