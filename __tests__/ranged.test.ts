import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { CancelledError } from '../src/errors.js'
import { Destination } from '../src/place/destination.js'
import {
  type DownloadOptions,
  type Spare,
  type TempFiles,
  download
} from '../src/download/download.js'
import { PART_ATTEMPTS, PART_RETRY_MS } from '../src/download/ranged.js'
import { Http } from '../src/util/http.js'
import { type Fault, type LoggedRequest, type RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { signedUrl } from './helpers/signed-url.js'
import { VirtualClock } from './helpers/virtual-clock.js'

/*
 * The network driver of a ranged download (ranged.ts) against the sandbox's file host: the
 * bookkeeping it drives is table-tested in segments.test.ts, the answers it judges in
 * part-answer.test.ts and main-answer.test.ts. A part's waits before its next try run on virtual
 * time; the sandbox's awaitRange fault holds the main stream while parts come, so no test waits
 * on real time.
 */

const MiB = 1024 * 1024
// Small enough for a quick test, big enough that a split leaves parts of 1 MiB and more.
const THRESHOLD = 1 * MiB

let sandbox: Sandbox
let file: RegisteredFile
let root: string
let dest: Destination
const http = new Http(5_000)

beforeAll(async () => {
  sandbox = await Sandbox.start()
  file = await sandbox.register({
    url: 'https://tempfile.aiquickdraw.com/v/tail.mp4',
    size: 3 * MiB
  })
  root = mkdtempSync(path.join(os.tmpdir(), 'kie-ranged-test-'))
  dest = await Destination.open(path.join(root, 'out'))
})

afterEach(() => {
  sandbox.clearFaults()
  sandbox.clearRequests()
  for (const name of readdirSync(path.join(root, 'out'))) rmSync(path.join(root, 'out', name))
})

afterAll(async () => {
  http.dispose()
  await sandbox.close()
  rmSync(root, { recursive: true, force: true })
})

/** A pool of `free` idle slots that counts what it lent and got back. */
function pool(free: number): Spare & { taken: number; released: number } {
  const counts = { taken: 0, released: 0 }
  return Object.assign(counts, {
    take: () => {
      if (counts.taken - counts.released >= free) return null
      counts.taken++
      let done = false
      return () => {
        if (!done) counts.released++
        done = true
      }
    }
  })
}

/** Downloads `of` (default: the 3 MiB file) with `free` idle slots, on virtual time. */
async function fetchSplit(
  free: number,
  more: Partial<DownloadOptions> = {},
  of = file,
  into: TempFiles = dest
) {
  const spare = pool(free)
  const clock = VirtualClock.instant()
  const got = await download(http, await signedUrl(sandbox, http, of.url), into, {
    timeoutMs: 5_000,
    spare,
    splitThresholdBytes: THRESHOLD,
    clock,
    ...more
  })
  return { got, spare, sleeps: clock.sleeps }
}

/** The destination, on a disk where every write of a streamed file takes `ms` longer. */
function slowDisk(ms: number): TempFiles {
  return {
    writeTemp: body => dest.writeTemp(body),
    removeTemp: tempPath => dest.removeTemp(tempPath),
    diskFull: error => dest.diskFull(error),
    createTemp: async () => {
      const temp = await dest.createTemp()
      const writev = temp.handle.writev.bind(temp.handle)
      const slow = async (buffers: Buffer[], position: number) => {
        await delay(ms)
        return writev(buffers, position)
      }
      return { path: temp.path, handle: Object.assign(temp.handle, { writev: slow }) }
    }
  }
}

const fileRequests = (): LoggedRequest[] => sandbox.requests.filter(r => r.target === 'file')
const ranged = (): LoggedRequest[] => fileRequests().filter(r => r.headers.range !== undefined)

function sha256(tempPath: string): string {
  return createHash('sha256').update(readFileSync(tempPath)).digest('hex')
}

/** The main GET sends 512 KiB, then waits until `closes` ranged requests have been answered and closed. */
function holdMainUntilRanged(of = file, closes = 1): void {
  sandbox.inject({
    target: 'file',
    url: of.url,
    fault: { kind: 'awaitRange', afterBytes: 512 * 1024, closes }
  })
}

describe('ranged download', () => {
  it('splits a file mid-way over an idle slot, asks with If-Range, and assembles it byte-exact', async () => {
    holdMainUntilRanged()
    const { got, spare } = await fetchSplit(1)
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256, parts: 1 })
    // Checked from disk as well: the hash was not merely computed, the file is right.
    expect(sha256(got.tempPath)).toBe(file.sha256)
    const [part] = ranged()
    expect(part.status).toBe(206)
    const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(String(part.headers.range)) ?? []
    expect(Number(to)).toBe(file.size - 1)
    expect(Number(from)).toBeGreaterThan(512 * 1024)
    expect(part.headers['if-range']).toBe(file.etag)
    // Same signed URL, and still no Authorization header on the file host.
    expect(part.query).toEqual(fileRequests()[0].query)
    expect(fileRequests().every(r => r.headers.authorization === undefined)).toBe(true)
    expect(spare).toMatchObject({ taken: 1, released: 1 })
  })

  it('uses several idle slots and stays byte-exact', async () => {
    holdMainUntilRanged()
    const { got, spare } = await fetchSplit(3)
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256 })
    expect(got.parts).toBeGreaterThanOrEqual(1)
    expect(sha256(got.tempPath)).toBe(file.sha256)
    expect(ranged().every(r => r.status === 206)).toBe(true)
    expect(spare.released).toBe(spare.taken)
  })

  it('asks a part that broke mid-body again, after a wait, for what it still lacks', async () => {
    holdMainUntilRanged()
    // The first ranged answer is cut after 100 KiB; the next ones are whole.
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'cut', afterBytes: 100 * 1024, mode: 'reset' }
    })
    const { got, sleeps } = await fetchSplit(1)
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256, parts: 1 })
    const [first, second] = ranged().map(r =>
      Number(/^bytes=(\d+)-/.exec(String(r.headers.range))?.[1])
    )
    expect(second).toBeGreaterThan(first)
    expect(sleeps).toEqual([PART_RETRY_MS])
  })

  it('asks a broken part again only once its last write is on disk (a slow disk), byte-exact', async () => {
    holdMainUntilRanged()
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'cut', afterBytes: 100 * 1024, mode: 'reset' }
    })
    // Every write takes 20 ms: the cut comes while the part's last bytes are still on their way.
    const { got } = await fetchSplit(1, {}, file, slowDisk(20))
    expect(got).toMatchObject({ bytes: file.size, parts: 1 })
    expect(sha256(got.tempPath)).toBe(file.sha256)
    expect(got.sha256).toBe(file.sha256)
  })

  it('tries a part that cannot be had PART_ATTEMPTS times, waiting longer each time, and loses nothing', async () => {
    holdMainUntilRanged(file, PART_ATTEMPTS)
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'status', status: 503 },
      times: PART_ATTEMPTS
    })
    const onPartFailed = jest.fn()
    const { got, spare, sleeps } = await fetchSplit(1, { onPartFailed })
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256 })
    expect(sha256(got.tempPath)).toBe(file.sha256)
    const tries = ranged().slice(0, PART_ATTEMPTS)
    expect(tries.map(r => r.status)).toEqual([503, 503, 503])
    expect(new Set(tries.map(r => r.headers.range)).size).toBe(1)
    expect(sleeps.slice(0, PART_ATTEMPTS - 1)).toEqual([PART_RETRY_MS, 2 * PART_RETRY_MS])
    expect(onPartFailed).toHaveBeenCalledTimes(PART_ATTEMPTS)
    expect(spare.released).toBe(spare.taken)
  })

  /**
   * Every ranged request meets `partFault`; the file must still come whole and byte-exact from the
   * main stream alone, with every borrowed slot given back.
   */
  async function oneStreamDespite(partFault: Fault, free: number): Promise<number[]> {
    sandbox.inject({ target: 'file', url: file.url, fault: partFault, times: Infinity })
    const { got, spare, sleeps } = await fetchSplit(free)
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256, parts: 0 })
    expect(sha256(got.tempPath)).toBe(file.sha256)
    expect(spare.released).toBe(spare.taken)
    return sleeps
  }

  it('falls back to one stream, byte-exact, when the host ignores Range', async () => {
    holdMainUntilRanged()
    expect(await oneStreamDespite({ kind: 'ignoreRange' }, 2)).toEqual([])
    // One ranged try, answered 200: no more after it, though the main stream had 2.5 MiB to go.
    expect(ranged().map(r => r.status)).toEqual([200])
  })

  it.each([
    ['without Content-Length (chunked)', { kind: 'chunked' }],
    ['encoded (gzip)', { kind: 'encode', encoding: 'gzip' }]
  ] as [string, Fault][])(
    'streams a body %s in one piece with idle slots to spare, byte-exact, and asks no range',
    async (_, fault) => {
      sandbox.inject({ target: 'file', url: file.url, fault })
      const { got, spare } = await fetchSplit(4)
      expect(fileRequests()[0].headers).not.toHaveProperty('range')
      expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256, parts: 0 })
      expect(sha256(got.tempPath)).toBe(file.sha256)
      expect(ranged()).toEqual([])
      expect(spare.taken).toBe(0)
    }
  )

  it('stops splitting when the host refuses the signed URL for a part (an expired URL): one try, main stream carries on', async () => {
    holdMainUntilRanged()
    expect(await oneStreamDespite({ kind: 'status', status: 403 }, 3)).toEqual([])
    expect(ranged().map(r => r.status)).toEqual([403])
  })

  it.each(['none', 'weak'] as const)(
    'never splits a file whose answer has no strong ETag (%s): one version, whole',
    async etag => {
      const changing = await sandbox.register({
        url: `https://tempfile.aiquickdraw.com/v/changing-${etag}.mp4`,
        size: 3 * MiB,
        etag,
        versions: 2
      })
      const onPartFailed = jest.fn()
      const { got } = await fetchSplit(3, { onPartFailed }, changing)
      expect(got).toMatchObject({ parts: 0, sha256: changing.versions[0].sha256 })
      expect(sha256(got.tempPath)).toBe(changing.versions[0].sha256)
      expect(ranged()).toEqual([])
      expect(onPartFailed).not.toHaveBeenCalled()
    }
  )

  it('drops a part whose 206 carries no ETag (a host that strips validators and ignores If-Range): one version, one stream', async () => {
    const changing = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/v/changing-stripped.mp4',
      size: 3 * MiB,
      etag: 'wholeOnly',
      versions: 2
    })
    holdMainUntilRanged(changing)
    const onPartFailed = jest.fn()
    const { got, spare } = await fetchSplit(3, { onPartFailed }, changing)
    expect(got).toMatchObject({ parts: 0, sha256: changing.versions[0].sha256 })
    expect(sha256(got.tempPath)).toBe(changing.versions[0].sha256)
    // The one part tried was answered (206, another version, no ETag), then no more were tried.
    expect(ranged().map(r => [r.status, r.headers['if-range']])).toEqual([
      [206, changing.versions[0].etag]
    ])
    expect(onPartFailed).toHaveBeenCalled()
    expect(spare.released).toBe(spare.taken)
  })

  it('a committed part whose retry is answered with the whole object hands its range back to the main stream', async () => {
    // The main stream holds until the part was cut and its retry answered 200 (the object changed).
    holdMainUntilRanged(file, 2)
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'cut', afterBytes: 100 * 1024, mode: 'reset' }
    })
    sandbox.inject({ target: 'file', url: file.url, fault: { kind: 'ignoreRange' } })
    const onPartFailed = jest.fn()
    const { got } = await fetchSplit(1, { onPartFailed })
    expect(got).toMatchObject({ bytes: file.size, sha256: file.sha256, parts: 0 })
    expect(sha256(got.tempPath)).toBe(file.sha256)
    // Cut, then a 200: no third try of the same part, and no new split.
    expect(ranged().map(r => r.status)).toEqual([206, 200])
    expect(onPartFailed).toHaveBeenCalledTimes(2)
  })

  it('a cancel during a split ends every request, leaves no temp file and gives slots back', async () => {
    holdMainUntilRanged()
    const controller = new AbortController()
    const slots = pool(1)
    const spare: Spare = {
      take: () => {
        const release = slots.take()
        if (release) controller.abort()
        return release
      }
    }
    const error = await fetchSplit(1, { spare, signal: controller.signal }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(readdirSync(path.join(root, 'out'))).toEqual([])
    expect(slots).toMatchObject({ taken: 1, released: 1 })
  })
})
