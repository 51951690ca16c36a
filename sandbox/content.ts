// Deterministic file content: any byte range of any size, generated on demand, and its digests.
import { createCipheriv, createHash } from 'node:crypto'
import { Readable } from 'node:stream'

/** What identifies a file's bytes. */
export interface ContentSpec {
  seed: string
  size: number
  contentType: string
}

// AES-256-CTR over zeros is a fast keystream with random access: the counter block for byte
// offset o is o / 16, so a Range request costs nothing extra and nothing is ever held whole.
const BLOCK = 16
const ZEROS = Buffer.alloc(256 * 1024)

function keyOf(seed: string): Buffer {
  return createHash('sha256').update(`kie-sandbox-content\0${seed}`).digest()
}

function counterIv(block: bigint): Buffer {
  const iv = Buffer.alloc(BLOCK)
  iv.writeBigUInt64BE(block >> 64n, 0)
  iv.writeBigUInt64BE(block & 0xffffffffffffffffn, 8)
  return iv
}

/**
 * A real magic number at the start, so tools that sniff content (file, file-type) see the type
 * the headers claim; the rest is noise.
 */
export function magicOf(contentType: string, size: number): Buffer {
  const type = contentType.split(';')[0].trim().toLowerCase()
  switch (type) {
    case 'image/png':
      return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    case 'image/jpeg':
      return Buffer.from([0xff, 0xd8, 0xff, 0xe0])
    case 'image/gif':
      return Buffer.from('GIF89a', 'latin1')
    case 'image/webp': {
      const riff = Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')
      riff.writeUInt32LE(Math.max(0, Math.min(size - 8, 0xffffffff)), 4)
      return riff
    }
    case 'video/mp4': {
      // A complete 24-byte ftyp box: isom, minor 0x200, compatible isom + mp42.
      const ftyp = Buffer.from('\0\0\0\x18ftypisom\0\0\x02\0isommp42', 'latin1')
      return ftyp
    }
    case 'audio/mpeg':
      // An empty ID3v2.3 tag header.
      return Buffer.from('ID3\x03\0\0\0\0\0\0', 'latin1')
    default:
      return Buffer.alloc(0)
  }
}

/** Stream bytes [start, end] (inclusive) of a file; end defaults to the last byte. */
export function contentStream(
  spec: ContentSpec,
  start = 0,
  end = spec.size - 1,
  chunkSize = 64 * 1024
): Readable {
  const magic = magicOf(spec.contentType, spec.size)
  const last = Math.min(end, spec.size - 1)
  const firstBlock = Math.floor(start / BLOCK)
  const cipher = createCipheriv('aes-256-ctr', keyOf(spec.seed), counterIv(BigInt(firstBlock)))
  let pos = start
  // CTR works in whole blocks: throw away the part of the first block before `start`.
  const skip = start - firstBlock * BLOCK
  if (skip > 0) cipher.update(ZEROS.subarray(0, skip))
  const size = Math.min(chunkSize, ZEROS.length)

  return new Readable({
    highWaterMark: size,
    read() {
      if (pos > last) {
        this.push(null)
        return
      }
      const n = Math.min(size, last - pos + 1)
      const chunk = cipher.update(ZEROS.subarray(0, n))
      for (let i = pos; i < magic.length && i < pos + n; i++) chunk[i - pos] = magic[i]
      pos += n
      this.push(chunk)
    }
  })
}

export interface Digests {
  sha256: string
  md5: string
}

// Tests register the same big files again and again; the bytes depend only on the spec.
const digestCache = new Map<string, Promise<Digests>>()

/** sha256 (hex) and MD5 (hex) of the whole content, by streaming it once per distinct spec. */
export function digestsOf(spec: ContentSpec): Promise<Digests> {
  const key = JSON.stringify([spec.seed, spec.size, spec.contentType])
  let digests = digestCache.get(key)
  if (!digests) {
    digests = computeDigests(spec)
    digestCache.set(key, digests)
    digests.catch(() => digestCache.delete(key))
  }
  return digests
}

async function computeDigests(spec: ContentSpec): Promise<Digests> {
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  for await (const chunk of contentStream(spec, 0, spec.size - 1, ZEROS.length)) {
    sha256.update(chunk as Buffer)
    md5.update(chunk as Buffer)
  }
  return { sha256: sha256.digest('hex'), md5: md5.digest('hex') }
}
