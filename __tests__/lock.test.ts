// The destination's lock: one run at a time, a clear error after `timeout`, no stuck lock after a kill, nothing left behind.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { CancelledError } from '../src/errors.js'
import {
  type Heartbeat,
  LOCK_FILE,
  LockTimeoutError,
  NotALockFileError,
  acquireLock
} from '../src/place/lock.js'
import type { Clock } from '../src/util/clock.js'
import { VirtualClock } from './helpers/virtual-clock.js'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kie-lock-'))
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

const lockPath = (): string => path.join(dir, LOCK_FILE)

/** A lock file as another run would leave it. */
function plantLock(holder: object, ageMs = 0): void {
  writeFileSync(lockPath(), JSON.stringify(holder))
  const when = new Date(Date.now() - ageMs)
  utimesSync(lockPath(), when, when)
}

/**
 * A pid no process of this machine has: Linux hands out at most 2^22, macOS 99,999, and Windows
 * only multiples of 4.
 */
const DEAD_PID = 2 ** 30 + 2

/** A clock on virtual time that starts at the real now, since lock files carry real mtimes. */
const clockFromNow = (): VirtualClock => new VirtualClock({ start: Date.now() })

describe('acquireLock', () => {
  it('holds a lock file naming this process, and releasing it leaves nothing behind', async () => {
    const release = await acquireLock(dir, { timeoutMs: 1000 })
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: os.hostname()
    })
    await release()
    await release()
    expect(readdirSync(dir)).toEqual([])
  })

  it('makes the folder again when it went away before the lock was taken', async () => {
    rmSync(dir, { recursive: true })
    const release = await acquireLock(dir, { timeoutMs: 1000 })
    expect(existsSync(lockPath())).toBe(true)
    await release()
  })

  it('makes a second run wait, with one line, then proceed when the first releases', async () => {
    const first = await acquireLock(dir, { timeoutMs: 1000 })
    const lines: string[] = []
    let waiting!: () => void
    const told = new Promise<void>(resolve => (waiting = resolve))
    const clock = clockFromNow()
    const second = acquireLock(dir, {
      timeoutMs: 60_000,
      pollMs: 10,
      clock,
      onWait: line => {
        lines.push(line)
        waiting()
      }
    })
    await told
    expect(existsSync(lockPath())).toBe(true)
    expect(clock.pending).toBe(1)
    await first()
    // The second run's next look, one poll later, finds the way free.
    await clock.advanceTo(clock.now() + 10)
    const release = await second
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Waiting for another run that is writing to ${dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} \\(process ${process.pid} on .*, since .*\\), for up to 60 s\\.$`
        )
      )
    ])
    expect(existsSync(lockPath())).toBe(true)
    await release()
    expect(readdirSync(dir)).toEqual([])
  })

  it('gives up after the timeout with an error naming the folder and what to do', async () => {
    const first = await acquireLock(dir, { timeoutMs: 1000 })
    const clock = VirtualClock.instant({ start: Date.now() })
    const error = await acquireLock(dir, { timeoutMs: 50, pollMs: 10, clock }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(LockTimeoutError)
    expect(clock.sleeps).toEqual([10, 10, 10, 10, 10])
    expect((error as Error).message).toBe(
      `Gave up after 0.1 s: another run is still writing to ${dir} (process ${process.pid} on ${os.hostname()}, since ${JSON.parse(readFileSync(lockPath(), 'utf8')).since}). ` +
        `Let it finish, give each job its own \`path\`, or raise \`timeout\`; if no such run is alive, delete ${lockPath()}.`
    )
    await first()
  })

  it('takes over at once a lock whose heartbeat stopped long ago (a killed run elsewhere)', async () => {
    plantLock({ pid: 1, host: 'another-machine', since: '2026-01-01T00:00:00Z' }, 10 * 60 * 1000)
    const lines: string[] = []
    const release = await acquireLock(dir, { timeoutMs: 0, onWait: l => lines.push(l) })
    expect(lines).toEqual([])
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid })
    await release()
  })

  it('takes over at once a fresh lock of a process of this machine that no longer exists', async () => {
    plantLock({ pid: DEAD_PID, host: os.hostname(), since: new Date().toISOString() })
    const lines: string[] = []
    const release = await acquireLock(dir, { timeoutMs: 0, onWait: l => lines.push(l) })
    expect(lines).toEqual([])
    await release()
    expect(readdirSync(dir)).toEqual([])
  })

  it('waits for a fresh lock of another machine, whose process it cannot see', async () => {
    plantLock({ pid: DEAD_PID, host: 'another-machine', since: 'x' })
    await expect(acquireLock(dir, { timeoutMs: 0 })).rejects.toThrow(LockTimeoutError)
    expect(existsSync(lockPath())).toBe(true)
  })

  it('takes over, after one timeout, a lock dated ahead of this clock that stood still all along', async () => {
    plantLock({ pid: 1, host: 'another-machine', since: 'later' }, -60 * 60 * 1000)
    const lines: string[] = []
    const clock = VirtualClock.instant({ start: Date.now() })
    const started = clock.now()
    const release = await acquireLock(dir, {
      timeoutMs: 200,
      pollMs: 20,
      clock,
      onWait: l => lines.push(l)
    })
    expect(clock.now() - started).toBe(200)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid })
    await release()
  })

  it('waits out a lock dated ahead whose heartbeat moves: its holder is alive on a clock ahead of ours', async () => {
    plantLock({ pid: 1, host: 'another-machine', since: 'later' }, -60 * 60 * 1000)
    let ahead = 60 * 60 * 1000
    const virtual = VirtualClock.instant({ start: Date.now() })
    // Between any two looks the holder beats once: its mtime moves on, an hour ahead of ours.
    const clock: Clock = {
      now: virtual.now,
      random: virtual.random,
      sleep: async (ms, signal) => {
        ahead += 1000
        const when = new Date(virtual.now() + ahead)
        utimesSync(lockPath(), when, when)
        await virtual.sleep(ms, signal)
      }
    }
    await expect(acquireLock(dir, { timeoutMs: 200, pollMs: 20, clock })).rejects.toThrow(
      LockTimeoutError
    )
    expect(virtual.sleeps).toHaveLength(10)
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: 1 })
  })

  it('reads at most a few KiB of a huge lock file', async () => {
    // 1 GiB that is all hole: reading it whole would cost a gibibyte of memory.
    writeFileSync(lockPath(), JSON.stringify({ pid: 7, host: 'big-host', since: 'now' }))
    truncateSync(lockPath(), 1024 * 1024 * 1024)
    const lines: string[] = []
    // The peak resident size (KiB) only grows: a whole read would raise it by a gibibyte.
    const peakBefore = process.resourceUsage().maxRSS
    await expect(acquireLock(dir, { timeoutMs: 0, onWait: l => lines.push(l) })).rejects.toThrow(
      LockTimeoutError
    )
    expect(process.resourceUsage().maxRSS - peakBefore).toBeLessThan(128 * 1024)
    // The holder is not JSON once the zeros are read with it: an unknown process, said so.
    expect(lines[0]).toMatch(/another run that is writing to .* \(a process\)/)
  })

  it('refuses a symlink standing where the lock goes, without following it', async () => {
    writeFileSync(path.join(dir, 'target'), JSON.stringify({ pid: 9, host: 'x', since: 'y' }))
    symlinkSync(path.join(dir, 'target'), lockPath())
    const error = await acquireLock(dir, { timeoutMs: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotALockFileError)
    expect((error as Error).message).toBe(
      `${lockPath()} is not a lock file this action made (it is a folder or a special file); remove it and run again.`
    )
  })

  it('keeps its own lock fresh while held, beating at a third of the stale time, and stops when released', async () => {
    const clock = new VirtualClock({ start: Date.now() + 5000 })
    const beats: Array<{ beat: () => Promise<void>; everyMs: number; stopped: boolean }> = []
    const startHeartbeat: Heartbeat = (beat, everyMs) => {
      const heartbeat = { beat, everyMs, stopped: false }
      beats.push(heartbeat)
      return () => (heartbeat.stopped = true)
    }
    const release = await acquireLock(dir, { timeoutMs: 1000, clock, startHeartbeat })
    const old = new Date(Date.now() - 60_000)
    utimesSync(lockPath(), old, old)
    expect(beats).toEqual([{ beat: expect.any(Function), everyMs: 10_000, stopped: false }])
    await beats[0].beat()
    expect(statSync(lockPath()).mtimeMs).toBeCloseTo(clock.now(), -1)
    await release()
    expect(beats[0].stopped).toBe(true)
  })

  it('beats on a real interval by default', async () => {
    // staleMs 30: a beat every 10 ms, so a few tens of ms of real time show the default timer at
    // work (that it stops on release is the injected heartbeat's test above).
    const release = await acquireLock(dir, { timeoutMs: 1000, staleMs: 30 })
    const old = new Date(Date.now() - 60_000)
    utimesSync(lockPath(), old, old)
    for (let i = 0; i < 100 && statSync(lockPath()).mtimeMs === old.getTime(); i++) await delay(10)
    expect(statSync(lockPath()).mtimeMs).toBeGreaterThan(old.getTime())
    await release()
  })

  it('does not remove a lock that another run took over after judging this one stale', async () => {
    const release = await acquireLock(dir, { timeoutMs: 1000 })
    rmSync(lockPath())
    plantLock({ pid: 12345, host: 'another-machine', since: 'now' })
    await release()
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: 12345 })
  })

  it('stops waiting when the run is cancelled', async () => {
    const first = await acquireLock(dir, { timeoutMs: 1000 })
    const controller = new AbortController()
    const waiting = acquireLock(dir, {
      timeoutMs: 60_000,
      signal: controller.signal,
      onWait: () => controller.abort()
    })
    await expect(waiting).rejects.toThrow(CancelledError)
    await first()
  })

  it('refuses a folder standing where the lock goes, with a clear error', async () => {
    mkdirSync(lockPath())
    const error = await acquireLock(dir, { timeoutMs: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotALockFileError)
    expect((error as Error).message).toBe(
      `${lockPath()} is not a lock file this action made (it is a folder or a special file); remove it and run again.`
    )
  })

  it('shows a hostile holder text flattened and capped in its log line', async () => {
    plantLock({ pid: 7, host: `evil\n::error::${'x'.repeat(500)}`, since: 'now' })
    const lines: string[] = []
    await expect(acquireLock(dir, { timeoutMs: 0, onWait: l => lines.push(l) })).rejects.toThrow(
      LockTimeoutError
    )
    expect(lines[0]).not.toContain('\n')
    expect(lines[0].length).toBeLessThan(300)
  })
})
