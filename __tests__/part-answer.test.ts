import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import { TransferError } from '../src/errors.js'
import {
  type PartVerdict,
  RangeIgnored,
  checkPartAnswer,
  contentLength,
  contentRange,
  partFailure,
  versionChanged
} from '../src/download/part-answer.js'

const ETAG = '"0123456789abcdef0123456789abcdef"'
const asked = { from: 1000, last: 1999, size: 5000, etag: ETAG }
/** The answer a well-behaved host gives to `asked`. */
const exact: IncomingHttpHeaders = {
  etag: ETAG,
  'content-range': 'bytes 1000-1999/5000',
  'content-length': '1000'
}

describe('checkPartAnswer', () => {
  it.each<[string, number, IncomingHttpHeaders, PartVerdict]>([
    ['a 206 with exactly the range, its length and the ETag', 206, exact, 'ok'],
    ['a 206 without Content-Length', 206, { ...exact, 'content-length': undefined }, 'ok'],
    ['a 206 saying identity', 206, { ...exact, 'content-encoding': ' identity ' }, 'ok'],
    ['a 200 (Range ignored, or another version)', 200, exact, 'whole'],
    ['a 206 without an ETag', 206, { ...exact, etag: undefined }, 'other-version'],
    ['a 206 with another ETag', 206, { ...exact, etag: '"another"' }, 'other-version'],
    ['a 206 with the weak form of the ETag', 206, { ...exact, etag: `W/${ETAG}` }, 'other-version'],
    ['a 403 (the signed URL refused)', 403, {}, 'refused'],
    ['a 400 (the signed URL refused)', 400, {}, 'refused'],
    ['a 503', 503, exact, 'status'],
    ['a 416', 416, {}, 'status'],
    ['no status at all', 0, exact, 'status'],
    ['another start', 206, { ...exact, 'content-range': 'bytes 999-1999/5000' }, 'not-the-range'],
    ['another end', 206, { ...exact, 'content-range': 'bytes 1000-2000/5000' }, 'not-the-range'],
    ['another total', 206, { ...exact, 'content-range': 'bytes 1000-1999/5001' }, 'not-the-range'],
    ['an unknown total', 206, { ...exact, 'content-range': 'bytes 1000-1999/*' }, 'not-the-range'],
    ['no Content-Range', 206, { ...exact, 'content-range': undefined }, 'not-the-range'],
    ['a Content-Length that differs', 206, { ...exact, 'content-length': '999' }, 'not-the-range'],
    ['an encoded range', 206, { ...exact, 'content-encoding': 'gzip' }, 'not-the-range']
  ])('%s: %s', (_, statusCode, headers, verdict) => {
    expect(checkPartAnswer({ statusCode, headers }, asked)).toBe(verdict)
  })

  it('judges the ETag before the range: another version is never "not the range"', () => {
    const answer = { statusCode: 206, headers: { etag: '"v2"', 'content-range': 'bytes 0-1/2' } }
    expect(checkPartAnswer(answer, asked)).toBe('other-version')
  })
})

describe('partFailure', () => {
  it('ends splitting for the whole object or another version', () => {
    expect(partFailure('whole', 200, 'part')).toBeInstanceOf(RangeIgnored)
    expect(partFailure('other-version', 206, 'part')).toBeInstanceOf(RangeIgnored)
  })

  it('asks for a fresh URL when the signed URL is refused', () => {
    expect(partFailure('refused', 403, 'file host h (bytes 1-2)')).toMatchObject({
      message: 'file host h (bytes 1-2): file host refused the signed URL (HTTP 403)',
      retryable: true,
      refreshUrl: true
    })
  })

  it('a part no one else can fetch from the same object makes the file start over whole', () => {
    expect(versionChanged('file host h')).toMatchObject({
      message:
        'file host h answered a Range part from another version of the file (or without its ETag): the file is fetched again whole',
      retryable: true
    })
  })

  it.each([
    ['status', 503, 'part: answered HTTP 503'],
    ['not-the-range', 206, 'part: the answer is not the range asked for']
  ] as const)('a %s failure is worth another try of the part', (verdict, status, message) => {
    const error = partFailure(verdict, status, 'part')
    expect(error).toBeInstanceOf(TransferError)
    expect(error).toMatchObject({ message, retryable: true, refreshUrl: false })
  })
})

describe('Content-Range and Content-Length', () => {
  it('reads bytes a-b/n, and * as an unknown total', () => {
    expect(contentRange('bytes 0-99/100')).toEqual({ start: 0, end: 99, total: 100 })
    expect(contentRange(' Bytes 5-9/* ')).toEqual({ start: 5, end: 9, total: null })
  })

  it.each([undefined, '', 'bytes */100', 'bytes 0-99', 'items 0-1/2', 'bytes -1-5/10'])(
    'reads %p as no range',
    value => expect(contentRange(value)).toBeNull()
  )

  it('reads a Content-Length of digits only', () => {
    expect(contentLength({ 'content-length': '42' })).toBe(42)
    expect(contentLength({ 'content-length': '4.2' })).toBeNull()
    expect(contentLength({})).toBeNull()
  })
})
