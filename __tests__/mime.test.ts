// The small MIME table: the same answers as mime-types for what it holds, and what kie.ai serves is in it.
import { describe, expect, it } from '@jest/globals'
import mimeTypes from 'mime-types'
import { extension, knownExtensions, knownTypes, lookup } from '../src/util/mime.js'

describe('lookup', () => {
  it('gives the type mime-types gives, for every extension in the table', () => {
    for (const ext of knownExtensions())
      expect([ext, lookup(ext)]).toEqual([ext, mimeTypes.lookup(ext)])
  })

  it('knows what kie.ai serves', () => {
    const served: Record<string, string> = {
      png: 'image/png',
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      webp: 'image/webp',
      gif: 'image/gif',
      avif: 'image/avif',
      heic: 'image/heic',
      svg: 'image/svg+xml',
      mp4: 'video/mp4',
      mov: 'video/quicktime',
      webm: 'video/webm',
      mp3: 'audio/mpeg',
      wav: 'audio/wav',
      ogg: 'audio/ogg',
      m4a: 'audio/mp4',
      aac: 'audio/aac',
      flac: 'audio/x-flac',
      json: 'application/json',
      txt: 'text/plain',
      zip: 'application/zip'
    }
    for (const [ext, type] of Object.entries(served))
      expect([ext, lookup(ext)]).toEqual([ext, type])
  })

  it('reads a bare extension, a dotted one, a name and a path, in any case', () => {
    expect(lookup('png')).toBe('image/png')
    expect(lookup('.PNG')).toBe('image/png')
    expect(lookup('cat.Jpg')).toBe('image/jpeg')
    expect(lookup('a/b.c/clip.mp4')).toBe('video/mp4')
    expect(lookup('a\\clip.mov')).toBe('video/quicktime')
  })

  it('gives false where mime-types does: no extension, an unknown one, a folder named like one', () => {
    for (const text of [
      '',
      'README',
      'a/png',
      'file.v2',
      'x.',
      '.constructor',
      '__proto__',
      'a.toString'
    ]) {
      expect([text, lookup(text)]).toEqual([text, false])
    }
  })
})

describe('extension', () => {
  it('gives one of the extensions mime-types lists for each type it shares with mime-db', () => {
    const shared = knownTypes().filter(type => mimeTypes.extensions[type] !== undefined)
    expect(shared.length).toBeGreaterThan(50)
    for (const type of shared) {
      expect([type, mimeTypes.extensions[type]]).toEqual([
        type,
        expect.arrayContaining([extension(type)])
      ])
    }
  })

  it('gives an extension that looks up again, for every type it knows', () => {
    for (const type of knownTypes()) {
      const ext = extension(type)
      expect([type, typeof ext === 'string' && lookup(ext) !== false]).toEqual([type, true])
    }
  })

  it('prefers the extensions people expect', () => {
    expect(extension('image/jpeg')).toBe('jpg')
    expect(extension('image/jpg')).toBe('jpg')
    expect(extension('audio/mpeg')).toBe('mp3')
    expect(extension('audio/ogg')).toBe('ogg')
    expect(extension('video/quicktime')).toBe('mov')
    expect(extension('audio/aac')).toBe('aac')
    expect(extension('audio/x-wav')).toBe('wav')
    expect(extension('audio/flac')).toBe('flac')
  })

  it('ignores parameters, case and spaces', () => {
    expect(extension(' Text/Plain ; charset=utf-8')).toBe('txt')
  })

  it('gives false for an unknown type and for Object.prototype names', () => {
    for (const type of [
      'application/x-kie-unknown',
      'not a type',
      '',
      'constructor',
      '__proto__'
    ]) {
      expect([type, extension(type)]).toEqual([type, false])
    }
  })
})
