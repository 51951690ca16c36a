import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import nock from 'nock'
import { Http } from '../src/util/http.js'
import { KieApi } from '../src/resolve/kie-api.js'
import { maskedValues } from './helpers/masks.js'
import { captureStdout, failure } from './helpers/capture.js'

const API = 'https://api.kie.ai'
const SIGNED =
  'https://x.r2.cloudflarestorage.com/v/a.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=id%2F20250415%2Fapac%2Fs3%2Faws4_request&X-Amz-Signature=deadbeef'

const http = new Http(5_000)
const api = new KieApi(API, 'sk-key', http, 5_000)
const common = {
  url: 'https://tempfile.aiquickdraw.com/v/a.png',
  taskId: null,
  endpoint: 'common' as const
}

// Every resolved URL is masked: keep those runner commands out of the test output.
let stdout: ReturnType<typeof captureStdout>
beforeEach(() => {
  stdout = captureStdout()
})

afterEach(() => {
  stdout.restore()
  nock.cleanAll()
  http.dispose()
})

describe('KieApi.resolve', () => {
  it('posts {url} to the common endpoint with the Bearer key and a User-Agent, and masks the answer', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    nock(API)
      .matchHeader('authorization', 'Bearer sk-key')
      .matchHeader('user-agent', /^kie-download-action\//)
      .matchHeader('content-type', 'application/json')
      .post('/api/v1/common/download-url', { url: common.url })
      .reply(200, { code: 200, msg: 'success', data: SIGNED })
    await expect(api.resolve(common)).resolves.toBe(SIGNED)
    const printed = write.mock.calls.map(c => String(c[0])).join('')
    write.mockRestore()
    expect(maskedValues(printed)).toEqual(
      expect.arrayContaining([
        'deadbeef',
        'id/20250415/apac/s3/aws4_request',
        'id%2F20250415%2Fapac%2Fs3%2Faws4_request'
      ])
    )
  })

  it('posts {taskId, url} to the gpt4o-image endpoint', async () => {
    nock(API)
      .post('/api/v1/gpt4o-image/download-url', { taskId: 't1', url: common.url })
      .reply(200, { code: 200, msg: 'success', data: SIGNED })
    await expect(api.resolve({ ...common, taskId: 't1', endpoint: 'gpt4o-image' })).resolves.toBe(
      SIGNED
    )
  })

  it('reads JSON whatever the Content-Type says', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, JSON.stringify({ code: 200, msg: 'success', data: SIGNED }), {
        'content-type': 'text/html'
      })
    await expect(api.resolve(common)).resolves.toBe(SIGNED)
  })

  it('an error code in an HTTP 200 body carries code, meaning and msg, and is final', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, { code: 422, msg: 'record is null', data: null })
    const e = await failure(api.resolve(common))
    expect(e.message).toBe(
      'kie.ai common download-url answered 422: validation error: not a kie.ai file URL, older than 14 days, or no result for this task: "record is null"'
    )
    expect(e.retryable).toBe(false)
    expect(e.stopAll).toBe(false)
  })

  it('an error as a real HTTP status with the envelope is understood the same way', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(402, { code: 402, msg: 'Insufficient credits' })
    const e = await failure(api.resolve(common))
    expect(e.message).toMatch(/answered 402: insufficient credits.*"Insufficient credits"/)
    expect(e.stopAll).toBe(true)
    expect(e.retryable).toBe(false)
  })

  it.each([
    [200, 429],
    [200, 455],
    [200, 500],
    [429, 429],
    [503, 503]
  ])('HTTP %i with body code %i is retryable', async (status, code) => {
    nock(API).post('/api/v1/common/download-url').reply(status, { code, msg: 'busy' })
    expect((await failure(api.resolve(common))).retryable).toBe(true)
  })

  it('honours a Retry-After header on a retryable answer', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(429, { code: 429, msg: 'Rate limit exceeded' }, { 'retry-after': '3' })
    expect((await failure(api.resolve(common))).retryAfterMs).toBe(3000)
  })

  it.each([
    ['body code 429 in an HTTP 200', 200, { code: 429, msg: 'Rate limit exceeded' }],
    ['HTTP 429 with the envelope', 429, { code: 429, msg: 'Rate limit exceeded' }],
    ['HTTP 429 with a plain-text body', 429, 'Too Many Requests']
  ])('marks %s as rate limited, for the governor', async (_, status, body) => {
    nock(API).post('/api/v1/common/download-url').reply(status, body)
    const e = await failure(api.resolve(common))
    expect(e.rateLimited).toBe(true)
    expect(e.message).toMatch(/answered 429.*rate limited/)
  })

  it('carries the Retry-After of a body-style 429 too', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, { code: 429, msg: 'Rate limit exceeded' }, { 'retry-after': '2' })
    const e = await failure(api.resolve(common))
    expect(e.rateLimited).toBe(true)
    expect(e.retryAfterMs).toBe(2000)
  })

  it.each([
    [200, 455],
    [200, 500],
    [503, 503],
    [200, 401]
  ])('does not mark HTTP %i with body code %i as rate limited', async (status, code) => {
    nock(API).post('/api/v1/common/download-url').reply(status, { code, msg: 'no' })
    expect((await failure(api.resolve(common))).rateLimited).toBe(false)
  })

  it.each([401, 404, 408, 433, 451, 501, 505])('body code %i is final', async code => {
    nock(API).post('/api/v1/common/download-url').reply(200, { code, msg: 'no' })
    const e = await failure(api.resolve(common))
    expect(e.retryable).toBe(false)
    expect(e.stopAll).toBe(code === 401 || code === 433)
  })

  it.each([
    [408, 408],
    [503, 422],
    [500, 501]
  ])('HTTP %i whose envelope says %i is final: the body code decides', async (status, code) => {
    nock(API).post('/api/v1/common/download-url').reply(status, { code, msg: 'no' })
    expect((await failure(api.resolve(common))).retryable).toBe(false)
  })

  it('433 stops the run and names the sub-key limit', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, { code: 433, msg: 'Sub-key usage exceeds limit' })
    const e = await failure(api.resolve(common))
    expect(e.stopAll).toBe(true)
    expect(e.message).toMatch(/answered 433: sub-key limit exceeded/)
  })

  it('explains a Cloudflare block instead of blaming the key', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(403, 'error code: 1010', { 'content-type': 'text/plain' })
    const e = await failure(api.resolve(common))
    expect(e.message).toMatch(/answered 403: .*Cloudflare "error code: 1010".*not a bad key/)
    expect(e.retryable).toBe(false)
  })

  it('never falls back to the original URL: code 200 without data is an error', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, { code: 200, msg: 'success', data: '' })
    expect((await failure(api.resolve(common))).message).toMatch(/without a download URL/)
  })

  it('does not accept data.url (data must be a string)', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, { code: 200, msg: 'success', data: { url: SIGNED } })
    expect((await failure(api.resolve(common))).message).toMatch(/without a download URL/)
  })

  it('refuses an answer larger than 1 MiB', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, 'x'.repeat(1024 * 1024 + 10))
    expect((await failure(api.resolve(common))).message).toMatch(/larger than 1048576 bytes/)
  })

  it.each([
    ['an http URL from an https API', 'http://x.example/a.png?X-Amz-Signature=s'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a file: URL', 'file:///etc/passwd'],
    ['a URL with credentials', 'https://u:p@x.example/a.png']
  ])('refuses %s before any request to it', async (_, data) => {
    nock(API).post('/api/v1/common/download-url').reply(200, { code: 200, msg: 'success', data })
    const e = await failure(api.resolve(common))
    expect(e.retryable).toBe(false)
    expect(e.message).not.toContain('X-Amz-Signature')
  })

  it('keeps kie.ai msg to one line and strips URL queries from it', async () => {
    nock(API)
      .post('/api/v1/common/download-url')
      .reply(200, { code: 500, msg: 'boom\n::error::forged https://h/x?X-Amz-Signature=s3cr3t' })
    const e = await failure(api.resolve(common))
    expect(e.message).not.toContain('\n')
    expect(e.message).not.toContain('s3cr3t')
  })
})
