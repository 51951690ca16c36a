import { describe, expect, it } from '@jest/globals'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { Decoding, parseContentEncoding } from '../src/download/decode.js'

describe('parseContentEncoding', () => {
  it('lists the codings in the order applied, leaving identity out', () => {
    expect(parseContentEncoding('identity, x-gzip, br')).toEqual(['gzip', 'br'])
    expect(parseContentEncoding(['deflate', 'GZIP'])).toEqual(['deflate', 'gzip'])
    expect(parseContentEncoding(undefined)).toEqual([])
  })

  it('refuses a coding it cannot undo rather than save encoded bytes, for good', () => {
    expect(() => parseContentEncoding('zstd')).toThrow(
      expect.objectContaining({
        message:
          'file host sent the body with Content-Encoding "zstd", which this action cannot decode',
        retryable: false
      })
    )
  })
})

describe('Decoding', () => {
  /** Runs `body` through the decoders for `codings`; the text that came out, or the error. */
  async function decode(codings: Parameters<typeof parseContentEncoding>[0], body: Buffer) {
    const decoding = new Decoding(parseContentEncoding(codings))
    const source = Readable.from([body])
    let out = ''
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += String(chunk)
        done()
      }
    })
    const error = await pipeline([source, ...(await decoding.chain(source)), sink]).catch(
      (e: unknown) => e
    )
    return { out, error, failure: decoding.failure() }
  }

  it('undoes gzip then br, the last coding applied first', async () => {
    const body = zlib.gzipSync(zlib.brotliCompressSync('hello'))
    expect(await decode('br, gzip', body)).toEqual({
      out: 'hello',
      error: undefined,
      failure: null
    })
  })

  it('tells raw deflate from zlib-wrapped deflate by its first bytes', async () => {
    expect((await decode('deflate', zlib.deflateRawSync('raw'))).out).toBe('raw')
    expect((await decode('deflate', zlib.deflateSync('wrapped'))).out).toBe('wrapped')
  })

  it('says a body that does not decode is worth another try, naming the codings', async () => {
    const got = await decode('gzip', Buffer.from('not gzip at all'))
    // zlib's own error ends the stream; failure() is what the download reports.
    expect(got.error).toMatchObject({ code: 'Z_DATA_ERROR' })
    expect(got.failure).toMatchObject({ retryable: true })
    expect(got.failure?.message).toMatch(/^could not decode the gzip body: /)
  })
})
