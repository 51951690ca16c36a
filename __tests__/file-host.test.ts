import { describe, expect, it } from '@jest/globals'
import { TransferError } from '../src/errors.js'
import { nextHop, refusal } from '../src/download/file-host.js'
import { captureStdout } from './helpers/capture.js'

describe('nextHop', () => {
  it('resolves a relative Location against the hop it came from', () => {
    expect(nextHop('https://files.example/a/b.png?s=1', '../c.png')).toBe(
      'https://files.example/c.png'
    )
  })

  it('masks a hop that carries a query: another signed URL is as secret as the first', () => {
    const stdout = captureStdout()
    try {
      expect(
        nextHop('https://files.example/a', 'https://cdn.example/b?X-Amz-Signature=0123456789abcdef')
      ).toBe('https://cdn.example/b?X-Amz-Signature=0123456789abcdef')
    } finally {
      stdout.restore()
    }
    expect(stdout.writes.join('')).toContain('::add-mask::0123456789abcdef')
  })

  it('refuses a redirect from https to http, for good and without its query', () => {
    const refused = () =>
      nextHop('https://files.example/a', 'http://files.example/a?X-Amz-Signature=s')
    expect(refused).toThrow(TransferError)
    expect(refused).toThrow(expect.objectContaining({ retryable: false }))
    expect(refused).toThrow(
      /^file host redirected from https to http \(http:\/\/files\.example\/a.*\): refused$/
    )
    expect(refused).not.toThrow(/X-Amz-Signature=s/)
  })

  it('follows http to https, and http to http', () => {
    expect(nextHop('http://a.example/x', 'https://b.example/y')).toBe('https://b.example/y')
    expect(nextHop('http://a.example/x', 'http://b.example/y')).toBe('http://b.example/y')
  })

  it.each([
    ['ftp://files.example/a', 'file host redirected to a "ftp:" URL'],
    ['http://[bad', 'file host redirected to an invalid URL']
  ])('refuses a redirect to %s, for good', (location, message) => {
    expect(() => nextHop('https://files.example/a', location)).toThrow(
      expect.objectContaining({ message, retryable: false })
    )
  })
})

describe('refusal', () => {
  it.each([403, 400])('an S3 %i with an XML error asks for a fresh signed URL', status => {
    expect(
      refusal(status, '<?xml version="1.0"?><Error><Code>ExpiredRequest</Code></Error>')
    ).toMatchObject({
      message: `file host refused the signed URL (HTTP ${status} ExpiredRequest)`,
      retryable: true,
      refreshUrl: true,
      gone: false
    })
  })

  it.each([
    [404, 'NoSuchKey', 'file host answered HTTP 404 NoSuchKey'],
    [410, 'Gone', 'file host answered HTTP 410 Gone'],
    [403, 'AccessDenied', 'file host refused the signed URL (HTTP 403 AccessDenied)']
  ])(
    'a %i (%s) asks for a fresh signed URL and says the file may be gone',
    (status, code, message) => {
      expect(
        refusal(status, `<?xml version="1.0"?><Error><Code>${code}</Code></Error>`)
      ).toMatchObject({ refreshUrl: true, gone: true, message })
    }
  )

  it.each([
    [400, '<Error><Code>BadRequest</Code></Error>'],
    [403, 'error code: 1010'],
    [403, '<Error><Code>SignatureDoesNotMatch</Code></Error>'],
    [403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>']
  ])('a %i saying %p asks for a fresh URL without saying the file is gone', (status, text) => {
    expect(refusal(status, text)).toMatchObject({ refreshUrl: true, gone: false })
  })

  it('a 503 with Retry-After is retryable after that wait; a 501 is final', () => {
    expect(refusal(503, 'busy', '2')).toMatchObject({
      message: 'file host answered HTTP 503',
      retryable: true,
      retryAfterMs: 2000
    })
    expect(refusal(501, 'nope', '2')).toMatchObject({
      retryable: false,
      refreshUrl: false,
      retryAfterMs: undefined
    })
  })

  it('quotes an S3 code only after scrubbing it to one short line', () => {
    const e = refusal(500, '<Error><Code>Internal\nError</Code></Error>')
    expect(e.message).toBe('file host answered HTTP 500 Internal Error')
  })
})
