// The bundled action against hosts and disks that cannot be trusted: `wait` bounds task mode, Range parts never mix versions, an echoed key stays out of files, paths stay inside.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import type { EtagStyle, Fault, RegisteredTask, Sandbox } from '../sandbox/index.ts'
import { type DistRun, makeWorkspace } from '../scripts/runner.ts'
import { useSandbox } from './helpers/sandbox-suite.js'

const MiB = 1024 * 1024

let sandbox: Sandbox

const run = useSandbox(started => {
  sandbox = started
})

let counter = 0
/** A Market task that is still generating for a long while. */
function slowTask(): Promise<RegisteredTask> {
  return sandbox.registerTask({
    type: 'market',
    taskId: `hostile-${++counter}-0000`,
    pendingLooks: 1000,
    files: [{ url: `https://tempfile.aiquickdraw.com/h/${counter}.png`, size: 1000 }]
  })
}

const tasksOutput = (r: DistRun): Array<Record<string, unknown>> =>
  JSON.parse(r.outputs.tasks ?? '[]')

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')

/** Temp files left in the destination. */
function leftovers(r: DistRun): string[] {
  const dir = path.join(r.workspace.dir, 'kie-downloads')
  return existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.part')) : []
}

/** Every text the step left for people and later steps: log, outputs, summary. */
const everything = (r: DistRun): string =>
  [r.log, r.summary, ...Object.values(r.outputs)].join('\n')

describe('wait bounds task mode', () => {
  // A second of `wait` is as good a bound as minutes: the faults below would hold a lookup 60 s.
  const WAIT = 1
  const TIMEOUT = 1
  /** `wait` + `timeout` + a few seconds (the process's own start and wind-down included). */
  const BOUND_MS = (WAIT + TIMEOUT + 3) * 1000

  it.each<[string, number, Fault]>([
    [
      'HTTP 429 with Retry-After: 60',
      3,
      { kind: 'code', code: 429, httpStatus: 429, retryAfter: '60' }
    ],
    ['body code 429 with Retry-After: 60', 1, { kind: 'code', code: 429, retryAfter: '60' }],
    ['body code 429 without Retry-After', 1, { kind: 'code', code: 429 }],
    [
      'a trickle: 2 KiB every 0.5 s, never finishing',
      1,
      { kind: 'drip', bytes: 2048, everyMs: 500 }
    ]
  ])(
    'lookups answering %s: %i Market task(s) end within wait + timeout + 3 s, as timed out',
    async (_, count, fault) => {
      const tasks: RegisteredTask[] = []
      for (let i = 0; i < count; i++) tasks.push(await slowTask())
      sandbox.inject({ target: 'api', fault, times: Infinity })
      const r = await run(
        {
          'task-ids': tasks.map(t => t.taskId).join('\n'),
          'task-type': 'market',
          wait: String(WAIT),
          timeout: String(TIMEOUT)
        },
        { timeoutMs: 30_000 }
      )
      expect(r.ms).toBeLessThan(BOUND_MS)
      expect(r.code).toBe(1)
      expect(tasksOutput(r).map(t => t.state)).toEqual(tasks.map(() => 'timeout'))
      for (const t of tasksOutput(r)) {
        expect(t.error).toMatch(fault.kind === 'drip' ? /not complete within 1 s/ : /429/)
      }
      expect(everything(r)).not.toMatch(/Infinity|NaN/)
    },
    35_000
  )
})

describe('Range parts never mix two versions of a file', () => {
  // Above the action's split threshold (8 MiB) with room to spare: a split is proposed at once.
  const SIZE = 10 * MiB
  let n = 0

  it.each<[string, EtagStyle, boolean]>([
    // Whether a part is asked for at all: only beside a strong ETag.
    ['no ETag (Last-Modified only)', 'none', false],
    ['a weak ETag', 'weak', false],
    ['a strong ETag dropped from ranged answers, If-Range ignored', 'wholeOnly', true],
    ['a strong ETag (a changed object answers If-Range with 200)', 'strong', true]
  ])(
    'a file that changes between requests, with %s, is saved whole as one version',
    async (_, etag, split) => {
      const file = await sandbox.register({
        url: `https://tempfile.aiquickdraw.com/v/changing-${++n}.mp4`,
        size: SIZE,
        etag,
        versions: 2
      })
      // The main stream takes half a second: a part asked for beside it (at its first 256 KiB) is
      // answered long before the main stream reaches the part's first byte, 5 MiB in.
      sandbox.inject({
        target: 'file',
        url: file.url,
        fault: { kind: 'trickle', bytesPerSecond: 20 * MiB }
      })
      const r = await run({ urls: file.url, retries: '1' })
      // The version the main stream read (the first GET's), whole: never a mix of the two.
      expect(r.code).toBe(0)
      expect(r.files[0]).toMatchObject({
        status: 'downloaded',
        bytes: SIZE,
        sha256: file.versions[0].sha256
      })
      expect(sha256(r.files[0].path as string)).toBe(file.versions[0].sha256)
      expect(leftovers(r)).toEqual([])
      // A part, if any was asked for, named the version the main stream was reading.
      const parts = sandbox.requests.filter(q => q.target === 'file' && q.headers.range)
      expect(parts.length > 0).toBe(split)
      expect(parts.every(q => q.headers['if-range'] === file.versions[0].etag)).toBe(true)
    },
    30_000
  )

  it('a file whose Range part was cut is fetched again in one stream when its attempt fails', async () => {
    const file = await sandbox.register({
      url: `https://tempfile.aiquickdraw.com/v/cut-part-${++n}.mp4`,
      size: SIZE
    })
    // Attempt 1: the main stream stalls after 2 MiB (abandoned after `timeout`); its part is cut once.
    sandbox.inject({ target: 'file', url: file.url, fault: { kind: 'stall', afterBytes: 2 * MiB } })
    sandbox.inject({
      target: 'file',
      url: file.url,
      fault: { kind: 'cut', afterBytes: 100 * 1024, mode: 'reset' }
    })
    const r = await run({ urls: file.url, timeout: '0.5', retries: '2' })
    expect(r.code).toBe(0)
    expect(r.files[0]).toMatchObject({ status: 'downloaded', sha256: file.sha256 })
    const gets = sandbox.requests.filter(q => q.target === 'file')
    const plain = gets.flatMap((q, i) => (q.headers.range ? [] : [i]))
    // Attempt 1 split (its part was cut); attempt 2 asked for nothing but the whole file.
    expect(plain).toHaveLength(2)
    expect(gets.slice(0, plain[1]).some(q => q.headers.range)).toBe(true)
    expect(gets.slice(plain[1] + 1).filter(q => q.headers.range)).toEqual([])
  }, 30_000)
})

describe('an API key echoed by kie.ai is stored nowhere', () => {
  /** Every file the step wrote: workspace, outputs, summary, manifest (RUNNER_TEMP), record. */
  function written(r: DistRun): Map<string, string> {
    const out = new Map<string, string>()
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name)
        if (statSync(full).isDirectory()) walk(full)
        else out.set(full, readFileSync(full, 'latin1'))
      }
    }
    walk(path.dirname(r.workspace.dir))
    return out
  }

  /** The key as written and as the base64 of its Authorization header. */
  const forms = (): string[] => [
    sandbox.apiKey,
    Buffer.from(`Bearer ${sandbox.apiKey}`).toString('base64')
  ]
  const echo = (): string =>
    `internal error for key ${forms()[0]} (authorization: Basic ${forms()[1]})`

  function expectNowhere(r: DistRun, files: string[]): void {
    const found = written(r)
    // The files that must exist do: the check below is not vacuous.
    for (const name of files) expect([...found.keys()].some(f => f.endsWith(name))).toBe(true)
    for (const [file, text] of found) {
      for (const form of forms())
        expect({ file, leaks: text.includes(form) }).toEqual({ file, leaks: false })
    }
    // The log too, but for the runner's own mask command.
    const log = r.log.split('\n').filter(l => !l.startsWith('::add-mask::'))
    for (const form of forms()) expect(log.join('\n')).not.toContain(form)
  }

  it('in a download-url answer {"code": 500, "msg": "... <key>"}', async () => {
    const good = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/k/good.png',
      size: 900
    })
    const bad = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/k/bad.png',
      size: 900
    })
    sandbox.inject({
      target: 'api',
      url: bad.url,
      fault: { kind: 'code', code: 500, msg: echo() },
      times: Infinity
    })
    const r = await run({ urls: `${good.url}\n${bad.url}`, retries: '0' })
    expect(r.code).toBe(1)
    expect(r.files[1].error).toMatch(
      /answered 500: kie\.ai server error: "internal error for key \*\*\* \(authorization: Basic \*\*\*\)"/
    )
    expectNowhere(r, ['output', 'summary', 'good.png', '.kie-download.json', '.json'])
  })

  it("in a failed task's failMsg", async () => {
    const good = await sandbox.registerTask({
      type: 'market',
      taskId: 'echo-good-0000',
      files: [{ url: 'https://tempfile.aiquickdraw.com/k/task-good.png', size: 900 }]
    })
    const failed = await sandbox.registerTask({
      type: 'runway',
      taskId: 'echo-failed-0000',
      outcome: 'fail',
      failMsg: echo()
    })
    const r = await run({
      'task-ids': JSON.stringify([good, failed].map(t => ({ taskId: t.taskId, type: t.type })))
    })
    expect(r.code).toBe(1)
    expect(tasksOutput(r)[1].error).toMatch(
      /^internal error for key \*\*\* \(authorization: Basic \*\*\*\)/
    )
    expectNowhere(r, ['output', 'summary', 'task-good.png', '.kie-download.json'])
  })
})

describe('inputs that would lead the log or the outputs astray', () => {
  it('a path with a line break is an input error before any request, and no workflow command starts', async () => {
    const file = await sandbox.register({
      url: 'https://tempfile.aiquickdraw.com/p/x.png',
      size: 900
    })
    const r = await run({ urls: file.url, path: 'dl\n::warning::pwn' })
    expect(r.code).toBe(1)
    expect(r.log).toMatch(
      /^::error::Input 'path' is "dl ::warning::pwn", with a control character or line break in it: expected one line of text\.$/m
    )
    expect(r.log).not.toMatch(/^::warning::/m)
    // The outputs are set (as on every input error), none with a line break: `dir` is empty.
    expect(r.outputs.dir).toBe('')
    for (const value of Object.values(r.outputs)) expect(value).not.toContain('\n')
    expect(sandbox.requests).toEqual([])
  })
})

describe('a record never vouches for a file outside the destination', () => {
  it.each(['task', 'url'] as const)(
    'a skip re-run (%s) after sub/ was replaced by a symlink to an outside folder holding a same-size, same-mtime file',
    async mode => {
      const task = await sandbox.registerTask({
        type: 'market',
        taskId: `record-${mode}-0000`,
        files: [{ url: `https://tempfile.aiquickdraw.com/r/${mode}-result.png`, size: 4000 }]
      })
      const inputs: Record<string, string> =
        mode === 'task'
          ? { 'task-ids': task.taskId, 'task-type': 'market' }
          : { urls: task.files[0].url }
      const workspace = makeWorkspace()
      const settings = { ...inputs, filename: 'sub/{name}', 'if-exists': 'skip' }
      const first = await run(settings, { workspace })
      expect(first.code).toBe(0)
      const dest = path.join(workspace.dir, 'kie-downloads')
      const placed = first.files[0].path as string
      expect(path.dirname(placed)).toBe(path.join(dest, 'sub'))

      // Outside the workspace: a folder with a file of the same name, size and mtime.
      const outside = path.join(path.dirname(workspace.dir), 'outside')
      mkdirSync(outside)
      const planted = path.join(outside, path.basename(placed))
      writeFileSync(planted, Buffer.alloc(4000, 0x41))
      const { mtime } = statSync(placed)
      utimesSync(planted, mtime, mtime)
      renameSync(path.join(dest, 'sub'), path.join(path.dirname(workspace.dir), 'moved'))
      symlinkSync(outside, path.join(dest, 'sub'))

      const again = await run(settings, { workspace })
      const root = realpathSync(dest)
      for (const f of again.files) {
        // No reported path resolves outside the destination, nor claims the old file's hash.
        const real = f.path && existsSync(f.path as string) ? realpathSync(f.path as string) : null
        expect(real === null || !path.relative(root, real).startsWith('..')).toBe(true)
        expect(f).toMatchObject({ status: 'failed', path: null, sha256: null })
        expect(f.error).toMatch(/outside the destination/)
      }
      expect(again.files).toHaveLength(1)
      expect(again.code).toBe(1)
      // Nothing outside was touched.
      expect(readdirSync(outside)).toEqual([path.basename(placed)])
      expect(readFileSync(planted, 'latin1')).toBe('A'.repeat(4000))
      expect(statSync(planted).mtimeMs).toBe(mtime.getTime())
    },
    30_000
  )
})

describe('a full disk', () => {
  const DISK = 2 * MiB
  const SIZE = 700 * 1024

  /**
   * The destination folder on a disk of 2 MiB: a tmpfs where this machine lets the test mount one,
   * else the action preloaded with helpers/full-disk.cjs, which fails writes past 2 MiB the same way.
   */
  function smallDisk(dest: string, how: 'tmpfs' | 'injected') {
    mkdirSync(dest, { recursive: true })
    const mounted =
      how === 'tmpfs' &&
      process.platform === 'linux' &&
      spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK}`, 'tmpfs', dest]).status === 0
    if (mounted) return { options: {}, cleanup: () => void spawnSync('umount', [dest]) }
    return {
      options: {
        nodeArgs: ['--require', path.join(import.meta.dirname, 'helpers', 'full-disk.cjs')],
        env: { KIE_TEST_DISK_DIR: dest, KIE_TEST_DISK_BYTES: String(DISK) }
      },
      cleanup: () => undefined
    }
  }

  it.each(['tmpfs', 'injected'] as const)(
    'says "no space left", removes the temp file, keeps finished files and the record, starts nothing more (%s)',
    async how => {
      const files = []
      for (let i = 1; i <= 4; i++) {
        files.push(
          await sandbox.register({
            url: `https://tempfile.aiquickdraw.com/d/${how}-${i}.png`,
            size: SIZE
          })
        )
      }
      const workspace = makeWorkspace()
      const dest = path.join(workspace.dir, 'kie-downloads')
      const disk = smallDisk(dest, how)
      try {
        // One at a time, in list order: two fit, the third meets the full disk, the fourth never starts.
        const r = await run(
          { urls: files.map(f => f.url).join('\n'), concurrency: '1', 'if-exists': 'skip' },
          { workspace, ...disk.options }
        )
        expect(r.code).toBe(1)
        const full = `no space left on the device holding ${dest}`
        expect(r.files.map(f => [f.status, f.error])).toEqual([
          ['downloaded', null],
          ['downloaded', null],
          ['failed', full],
          ['failed', 'not started']
        ])
        expect(r.log).toContain(`■ Stopped: ${full}. Nothing more will start.`)
        for (const f of r.files.slice(0, 2)) expect(sha256(f.path as string)).toBe(f.sha256)
        // Nothing partial: the two finished files and the record of exactly those.
        expect(readdirSync(dest).sort()).toEqual([
          '.kie-download.json',
          `${how}-1.png`,
          `${how}-2.png`
        ])
        const record = JSON.parse(readFileSync(path.join(dest, '.kie-download.json'), 'utf8'))
        expect(
          Object.values(record.files)
            .map(f => (f as { path: string }).path)
            .sort()
        ).toEqual([`${how}-1.png`, `${how}-2.png`])
        expect(r.outputs.count).toBe('2')
      } finally {
        disk.cleanup()
      }
    },
    30_000
  )
})
