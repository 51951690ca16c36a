import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import {
  type FileFacts,
  type SplitFacts,
  cutShort,
  fileFacts,
  maySplit
} from '../src/download/main-answer.js'

const ETAG = '"0123456789abcdef0123456789abcdef"'

/** The facts of a 200 with these headers. */
const facts = (headers: IncomingHttpHeaders, statusCode = 200): FileFacts =>
  fileFacts({ statusCode, headers })

describe('fileFacts', () => {
  it('reads type, size, strong ETag and range support from a plain 200', () => {
    expect(facts({ 'content-type': 'video/mp4', 'content-length': '5000', etag: ETAG })).toEqual({
      contentType: 'video/mp4',
      codings: [],
      wireLength: 5000,
      size: 5000,
      etag: ETAG,
      acceptRanges: true
    })
  })

  it('keeps no weak ETag, and hears Accept-Ranges: none', () => {
    expect(facts({ etag: `W/${ETAG}`, 'accept-ranges': ' None ' })).toMatchObject({
      etag: null,
      acceptRanges: false,
      size: null
    })
  })

  it('knows no size for an encoded body: its length is of the encoded bytes', () => {
    expect(facts({ 'content-encoding': 'gzip', 'content-length': '300' })).toMatchObject({
      codings: ['gzip'],
      wireLength: 300,
      size: null
    })
  })

  it('takes the size from a Content-Range that spans the whole body', () => {
    expect(facts({ 'content-range': 'bytes 0-4999/5000' })).toMatchObject({ size: 5000 })
  })

  it.each([
    ['bytes 0-999/5000', {}],
    ['bytes 1-4999/5000', {}],
    ['bytes 0-4999/*', {}],
    ['bytes 0-4999/5000', { 'content-length': '4999' }],
    ['pages 1-2', {}]
  ])('is not the file with Content-Range %p', (range, more) => {
    expect(() => facts({ 'content-range': range, ...more })).toThrow(
      `file host sent Content-Range "${range}", which is not the whole file`
    )
  })

  it('is not the file with a 206, or any status but 200, retryably', () => {
    expect(() => facts({}, 206)).toThrow(
      expect.objectContaining({
        message: 'file host answered 206 Partial Content to a request for the whole file',
        retryable: true
      })
    )
    expect(() => facts({}, 204)).toThrow('file host answered HTTP 204 instead of the file')
  })
})

describe('maySplit', () => {
  const splittable: SplitFacts = {
    codings: [],
    wireLength: 10_000,
    size: 10_000,
    etag: ETAG,
    acceptRanges: true
  }

  it('splits a file of known size, with a strong ETag, at or above the threshold', () => {
    expect(maySplit(splittable, 10_000)).toBe(true)
  })

  it.each<[string, Partial<SplitFacts>]>([
    ['no strong ETag', { etag: null }],
    ['Accept-Ranges: none', { acceptRanges: false }],
    ['an encoded body', { codings: ['gzip'], size: null }],
    ['no Content-Length', { wireLength: null, size: null }],
    ['under the threshold', { size: 9_999, wireLength: 9_999 }]
  ])('never splits with %s', (_, change) => {
    expect(maySplit({ ...splittable, ...change }, 10_000)).toBe(false)
  })
})

describe('cutShort', () => {
  const plain: SplitFacts = {
    codings: [],
    wireLength: 100,
    size: 100,
    etag: null,
    acceptRanges: true
  }
  const gzip: SplitFacts = { ...plain, codings: ['gzip'], wireLength: 40, size: null }

  it('passes a body that came whole', () => {
    expect(cutShort(plain, { complete: true, wire: 100, pos: 100, end: 100 })).toBeNull()
    expect(cutShort(gzip, { complete: true, wire: 40, pos: 250, end: Infinity })).toBeNull()
  })

  it.each([
    ['node says it did not complete', { complete: false, wire: 100, pos: 100, end: 100 }],
    ['fewer bytes came than announced', { complete: true, wire: 60, pos: 60, end: 100 }],
    ['its segment is not full', { complete: true, wire: 100, pos: 60, end: 100 }]
  ])('calls a body short when %s, counting file bytes', (_, body) => {
    expect(cutShort(plain, body)).toMatchObject({
      message: `download cut short: got ${body.pos} of 100 bytes`,
      retryable: true
    })
  })

  it('counts an encoded body in encoded bytes, or says the total is unknown', () => {
    expect(cutShort(gzip, { complete: false, wire: 30, pos: 70, end: Infinity })).toMatchObject({
      message: 'download cut short: got 30 of 40 encoded bytes'
    })
    const chunked = { ...gzip, wireLength: null }
    expect(cutShort(chunked, { complete: false, wire: 30, pos: 70, end: Infinity })).toMatchObject({
      message: 'download cut short: got 30 of an unknown number of encoded bytes'
    })
  })
})
