// The destination's lock: one run at a time, a clear error after `timeout`, no stuck lock after a kill, nothing left behind.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
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
import { CancelledError } from '../src/errors.js'
import { LOCK_FILE, LockTimeoutError, acquireLock } from '../src/place/lock.js'

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

/** The pid of a process that has just exited (so no process of this machine has it now). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  return child.pid as number
}

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
    const second = acquireLock(dir, {
      timeoutMs: 60_000,
      pollMs: 10,
      onWait: line => {
        lines.push(line)
        waiting()
      }
    })
    await told
    expect(existsSync(lockPath())).toBe(true)
    await first()
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
    const error = await acquireLock(dir, { timeoutMs: 50, pollMs: 10 }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(LockTimeoutError)
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
    plantLock({ pid: deadPid(), host: os.hostname(), since: new Date().toISOString() })
    const lines: string[] = []
    const release = await acquireLock(dir, { timeoutMs: 0, onWait: l => lines.push(l) })
    expect(lines).toEqual([])
    await release()
    expect(readdirSync(dir)).toEqual([])
  })

  it('waits for a fresh lock of another machine, whose process it cannot see', async () => {
    plantLock({ pid: deadPid(), host: 'another-machine', since: 'x' })
    await expect(acquireLock(dir, { timeoutMs: 0 })).rejects.toThrow(LockTimeoutError)
    expect(existsSync(lockPath())).toBe(true)
  })

  it('takes over, after one timeout, a lock dated ahead of this clock that stood still all along', async () => {
    plantLock({ pid: 1, host: 'another-machine', since: 'later' }, -60 * 60 * 1000)
    const lines: string[] = []
    const started = Date.now()
    const release = await acquireLock(dir, {
      timeoutMs: 200,
      pollMs: 20,
      onWait: l => lines.push(l)
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid })
    await release()
  })

  it('waits out a lock dated ahead whose heartbeat moves: its holder is alive on a clock ahead of ours', async () => {
    plantLock({ pid: 1, host: 'another-machine', since: 'later' }, -60 * 60 * 1000)
    let ahead = 60 * 60 * 1000
    const beat = setInterval(() => {
      ahead += 1000
      const when = new Date(Date.now() + ahead)
      utimesSync(lockPath(), when, when)
    }, 30)
    try {
      await expect(acquireLock(dir, { timeoutMs: 200, pollMs: 20 })).rejects.toThrow(
        LockTimeoutError
      )
    } finally {
      clearInterval(beat)
    }
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
    await expect(acquireLock(dir, { timeoutMs: 0 })).rejects.toThrow(
      `${lockPath()} is not a lock file this action made (it is a folder or a special file); remove it and run again.`
    )
  })

  it('keeps its own lock fresh while held, so no waiting run takes it over', async () => {
    const release = await acquireLock(dir, { timeoutMs: 1000, staleMs: 90 })
    const old = new Date(Date.now() - 60_000)
    utimesSync(lockPath(), old, old)
    // Waits for the heartbeat (jest's timeout fails the test if none comes).
    while (statSync(lockPath()).mtimeMs < Date.now() - 30_000) {
      await new Promise(resolve => setTimeout(resolve, 10))
    }
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
    await expect(acquireLock(dir, { timeoutMs: 0 })).rejects.toThrow(
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
