import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TransferError } from '../src/errors.js'
import { SegmentWriter, StopAtEnd, hashBack, writeFully } from '../src/download/segment-writer.js'
import { type Segment, SegmentTable } from '../src/download/segments.js'

/**
 * A handle whose writev follows a script of how many bytes each call takes, logging each write
 * and keeping what it wrote where (`.` where nothing was).
 */
function scriptedHandle(script: Array<number | Error> = []) {
  const writes: string[] = []
  const disk: string[] = []
  return {
    writes,
    disk: () => Array.from(disk, c => c ?? '.').join(''),
    writev: async (pieces: Buffer[], position: number) => {
      const step = script.shift() ?? Infinity
      if (step instanceof Error) throw step
      const data = Buffer.concat(pieces).subarray(0, step)
      writes.push(`@${position}:${String(data)}`)
      for (let i = 0; i < data.length; i++) disk[position + i] = String.fromCharCode(data[i])
      return { bytesWritten: data.length, buffers: pieces }
    }
  }
}

describe('writeFully', () => {
  it('writes the rest after a short write, at the right place', async () => {
    const handle = scriptedHandle([3, 2])
    await writeFully(handle, [Buffer.from('abcd'), Buffer.from('efgh')], 100, 8)
    expect(handle.writes).toEqual(['@100:abc', '@103:de', '@105:fgh'])
  })

  it('a short write followed by a full disk rejects with the disk’s own error', async () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC'
    })
    await expect(
      writeFully(scriptedHandle([3, enospc]), [Buffer.from('abcdefgh')], 0, 8)
    ).rejects.toBe(enospc)
  })

  it('a write that takes nothing fails, saying how much was left', async () => {
    await expect(
      writeFully(scriptedHandle([3, 0]), [Buffer.from('abcdefgh')], 0, 8)
    ).rejects.toThrow('could not write to the temp file: 5 of 8 bytes left')
  })
})

describe('SegmentWriter', () => {
  /** Streams `chunks` into a writer for `seg`; the error it ended with, if any. */
  async function feed(table: SegmentTable, seg: Segment, chunks: string[], hashIt = false) {
    const handle = scriptedHandle()
    const hash = hashIt ? createHash('sha256') : null
    const counted: number[] = []
    const writer = new SegmentWriter({ table, seg, handle, hash, onWritten: n => counted.push(n) })
    const error = await pipeline(Readable.from(chunks.map(c => Buffer.from(c))), writer).catch(
      (e: unknown) => e
    )
    return { disk: handle.disk(), counted, hash, error }
  }

  it('writes a segment’s bytes at their offsets and tells each write', async () => {
    const table = new SegmentTable(10)
    const got = await feed(table, table.main, ['abc', 'defg', 'hij'], true)
    expect(got.error).toBeUndefined()
    expect(got.disk).toBe('abcdefghij')
    expect(got.counted.reduce((a, b) => a + b)).toBe(10)
    expect(table.main.pos).toBe(10)
    expect(got.hash?.digest('hex')).toBe(createHash('sha256').update('abcdefghij').digest('hex'))
  })

  it('stops at the segment’s end when its response was asked for more, writing nothing past it', async () => {
    const table = new SegmentTable(10)
    const part = table.propose(1) as Segment
    table.commit(part)
    const got = await feed(table, table.main, ['abc', 'defg', 'hij'])
    expect(got.error).toBeInstanceOf(StopAtEnd)
    expect(got.disk).toBe('abcde')
    expect(table.main).toMatchObject({ pos: 5, end: 5, closed: true })
  })

  it('fails when the host sends more than it was asked for', async () => {
    const table = new SegmentTable(4)
    const got = await feed(table, table.main, ['abc', 'def'])
    expect(got.error).toBeInstanceOf(TransferError)
    expect(got.error).toMatchObject({
      message: 'file host sent more bytes than it announced',
      retryable: true
    })
    expect(got.disk).toBe('abcd')
  })

  it('writes a part at its own offsets', async () => {
    const table = new SegmentTable(10)
    const part = table.propose(1) as Segment
    table.commit(part)
    table.open(part, 10)
    const got = await feed(table, part, ['fgh', 'ij'])
    expect(got.error).toBeUndefined()
    expect(got.disk).toBe('.....fghij')
  })
})

describe('hashBack', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kie-hash-back-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('hashes the bytes from `from` to `to` of the file it wrote', async () => {
    const file = path.join(dir, 'a.part')
    writeFileSync(file, 'x'.repeat(10) + 'y'.repeat(5))
    const handle = await open(file, 'r+')
    const hash = createHash('sha256').update('head')
    await hashBack(hash, handle, file, 10, 15)
    await handle.close()
    expect(hash.digest('hex')).toBe(createHash('sha256').update('headyyyyy').digest('hex'))
  })

  it('refuses a temp file shorter than written', async () => {
    const file = path.join(dir, 'c.part')
    writeFileSync(file, 'abc')
    const handle = await open(file, 'r+')
    await expect(hashBack(createHash('sha256'), handle, file, 0, 5)).rejects.toThrow(
      'the temp file is shorter than written'
    )
    await handle.close()
  })

  it('refuses a temp file put in place of the one written', async () => {
    const file = path.join(dir, 'b.part')
    writeFileSync(file, 'abc')
    const handle = await open(file, 'r+')
    writeFileSync(path.join(dir, 'other'), 'abc')
    await rename(path.join(dir, 'other'), file)
    await expect(hashBack(createHash('sha256'), handle, file, 0, 3)).rejects.toThrow(
      'the temp file was replaced while downloading'
    )
    await handle.close()
  })
})
