import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runnerView, summaryText } from '../scripts/runner-view.js'

const SIGNED =
  'http://127.0.0.1:36461/v/a65/sample-image.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=980eeb18%252F20261122&X-Amz-Signature=c4748c336dc2b08d5eb516829aae4004'

/** A command value escaped as @actions/core escapes it. */
const esc = (value: string): string =>
  value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

/** A log as the action prints it (runner protocol and all), as the demo receives it. */
const CANNED = [
  '::add-mask::sk-sandbox-0123456789abcdef',
  'Downloading 2 files into kie-downloads/',
  `::add-mask::${esc(SIGNED)}`,
  `::add-mask::${esc(SIGNED.split('?')[1])}`,
  '::add-mask::c4748c336dc2b08d5eb516829aae4004',
  `::debug::resolved #1 to ${SIGNED}`,
  '✔ sample-image.png  200.0 KiB  image/png  0.1 s',
  `  ↻ #2 b.png: GET ${SIGNED} failed; retry 1 of 3 in 1.0 s`,
  '::group::Details',
  'sha256 c4748c336dc2b08d5eb516829aae4004 of sample-image.png',
  '::endgroup::',
  '::warning::The `files` output would be 2.9 MiB%0Aso it is left unset.',
  '::error::The run stopped: kie.ai answered 401 for key sk-sandbox-0123456789abcdef.',
  '1 downloaded, 1 failed; 200.0 KiB in 0.3 s (666.7 KiB/s)',
  ''
].join('\n')

describe('the demo’s log, as the page shows it', () => {
  const view = runnerView(CANNED)

  it('hides runner commands and applies every mask to later lines', () => {
    expect(view).not.toMatch(/::(add-mask|debug|group|endgroup|warning|error)::/)
    expect(view).not.toMatch(/X-Amz|Signature|c4748c336dc2b08d|sk-sandbox|\?/)
    expect(view).toContain('  ↻ #2 b.png: GET *** failed; retry 1 of 3 in 1.0 s')
  })

  it('shows groups folded with their lines under them, and annotations by kind', () => {
    expect(view.split('\n')).toEqual([
      'Downloading 2 files into kie-downloads/',
      '✔ sample-image.png  200.0 KiB  image/png  0.1 s',
      '  ↻ #2 b.png: GET *** failed; retry 1 of 3 in 1.0 s',
      '▶ Details',
      '  │ sha256 *** of sample-image.png',
      'Warning: The `files` output would be 2.9 MiB',
      'so it is left unset.',
      'Error: The run stopped: kie.ai answered 401 for key ***.',
      '1 downloaded, 1 failed; 200.0 KiB in 0.3 s (666.7 KiB/s)',
      ''
    ])
  })

  it('does not mask what was printed before the mask was registered', () => {
    expect(runnerView('secret-value-123\n::add-mask::secret-value-123\nsecret-value-123')).toBe(
      'secret-value-123\n***'
    )
  })
})

describe('the demo’s summary, rendered as text', () => {
  it('renders the Markdown summary: title, totals, a table of plain cells', () => {
    const md = readFileSync(path.join(import.meta.dirname, 'golden', 'with-failures.md'), 'utf8')
    const lines = summaryText(md).split('\n')
    expect(lines[0]).toBe('❌ kie.ai downloads: 1 file downloaded, 1 skipped, 3 failed')
    expect(lines).toContain('1.0 MiB in 9.2 s (111.7 KiB/s) into kie-downloads/')
    const row = lines.find(l => l.startsWith('3 '))
    expect(row).toMatch(
      /^3 +a\|b`c<i>\.png +tempfile\.aiquickdraw\.com\/workers\/nano\/3-a1b2c3\.png +❌ failed +kie\.ai answered 422, validation error: "<img src=x onerror=alert\(1\)> \| \*bold\* \[x\]\(javascript:alert\(1\)\)"$/
    )
    expect(summaryText(md)).not.toMatch(/\\|&#|`img/)
  })

  it('renders the older HTML summary too', () => {
    const html =
      '<h3>kie.ai downloads</h3>\n<p>1 downloaded · into <code>kie-downloads</code></p>\n' +
      '<table><tr><th>#</th><th>File</th></tr><tr><td>1</td><td>a&#60;b&#62;.png</td></tr></table>\n'
    expect(summaryText(html)).toBe(
      'kie.ai downloads\n\n1 downloaded · into kie-downloads\n\n#  File\n─  ────────\n1  a<b>.png\n'
    )
  })
})
