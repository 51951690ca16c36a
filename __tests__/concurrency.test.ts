// `concurrency` bounds API calls and downloads in flight, also while entries sleep between retries: run() against the sandbox.
import { describe, expect, it } from '@jest/globals'
import type { Sandbox } from '../sandbox/index.ts'
import { realClock } from '../src/util/clock.js'
import { runAction } from './helpers/run-action.js'
import { useSandbox } from './helpers/sandbox-suite.js'

const URLS = Array.from({ length: 24 }, (_, i) => `https://tempfile.aiquickdraw.com/v/c${i}.png`)

let sandbox: Sandbox

// Every answer waits 15 ms, so requests overlap whenever the action lets them.
useSandbox(
  async started => {
    sandbox = started
    for (const url of URLS) await sandbox.register({ url, size: 100 })
  },
  { apiLatencyMs: 15, fileLatencyMs: 15 }
)

describe('concurrency', () => {
  it('never has more than `concurrency` API calls or downloads in flight, also while entries sleep between retries', async () => {
    // Each entry's first download is a 503 with a short Retry-After: entries sleep between tries.
    for (const url of URLS) {
      sandbox.inject({
        target: 'file',
        url,
        fault: { kind: 'status', status: 503, retryAfter: '0.05' }
      })
    }
    const r = await runAction(
      {
        'api-key': sandbox.apiKey,
        'base-url': sandbox.baseUrl,
        urls: URLS.join('\n'),
        concurrency: '3'
      },
      { deps: { clock: realClock } }
    )
    expect(r.files.map(f => f.status)).toEqual(URLS.map(() => 'downloaded'))
    const refused = sandbox.requests.filter(q => q.target === 'file' && q.status === 503)
    expect(new Set(refused.map(q => q.url)).size).toBe(24)
    expect(sandbox.peakInFlight()).toEqual({ api: 3, file: 3 })
  })
})
