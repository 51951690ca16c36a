// urls-file as hostile input: only a regular file inside the workspace, bounded, and never quoted in errors.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../src/errors.js'
import { getInputs, type Settings } from '../src/inputs/inputs.js'
import { MAX_URLS_FILE_BYTES } from '../src/inputs/urls-file.js'
import { inputEnv } from '../scripts/runner.ts'
import { captureStdout } from './helpers/capture.js'
import { useStepEnv } from './helpers/step-env.js'

const CAT = 'https://tempfile.aiquickdraw.com/v/cat.png'
const SECRET = 'hunter2-very-secret-value'
/** FIFOs and these symlinks need a POSIX file system. */
const describePosix = process.platform === 'win32' ? describe.skip : describe

let root: string
let workspace: string
let restoreStdout: () => void
const setEnv = useStepEnv()

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kie-urls-file-'))
  workspace = path.join(root, 'workspace')
  mkdirSync(workspace)
  restoreStdout = captureStdout().restore
})

afterEach(() => {
  restoreStdout()
  rmSync(root, { recursive: true, force: true })
})

function inputs(withInputs: Record<string, string>, ws = workspace): Settings {
  setEnv({ ...inputEnv({ 'api-key': 'sk-test-key-123', ...withInputs }), GITHUB_WORKSPACE: ws })
  return getInputs()
}

function thrown(withInputs: Record<string, string>, ws = workspace): Error | undefined {
  try {
    inputs(withInputs, ws)
  } catch (error) {
    return error as Error
  }
  return undefined
}

function write(name: string, text: string): void {
  writeFileSync(path.join(workspace, name), text)
}

describe('where urls-file may point', () => {
  it('follows a symlink to a file inside the workspace', () => {
    write('real.txt', CAT)
    symlinkSync('real.txt', path.join(workspace, 'link.txt'))
    expect(inputs({ 'urls-file': 'link.txt' }).entries).toHaveLength(1)
  })

  it('accepts a file when the workspace itself is reached through a symlink', () => {
    write('list.txt', CAT)
    const linked = path.join(root, 'linked-workspace')
    symlinkSync(workspace, linked)
    expect(inputs({ 'urls-file': 'list.txt' }, linked).entries).toHaveLength(1)
  })

  it('refuses a symlink to a secret outside the workspace, without quoting it', () => {
    writeFileSync(path.join(root, 'secrets.env'), `API_TOKEN=${SECRET}\n`)
    symlinkSync(path.join(root, 'secrets.env'), path.join(workspace, 'urls.txt'))
    const error = thrown({ 'urls-file': 'urls.txt' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      `Input 'urls-file' is "urls.txt", which leads outside the workspace: expected the path of a regular file inside the workspace, relative to it.`
    )
    expect(error?.message).not.toContain(SECRET)
    expect(error?.message).not.toContain('secrets.env')
  })

  it('refuses a path that climbs out of the workspace', () => {
    writeFileSync(path.join(root, 'outside.txt'), CAT)
    expect(thrown({ 'urls-file': '../outside.txt' })?.message).toContain(
      'which leads outside the workspace'
    )
  })

  it('refuses an absolute path outside the workspace', () => {
    writeFileSync(path.join(root, 'outside.txt'), CAT)
    expect(thrown({ 'urls-file': path.join(root, 'outside.txt') })?.message).toContain(
      'which leads outside the workspace'
    )
  })

  it('refuses a folder', () => {
    mkdirSync(path.join(workspace, 'lists'))
    expect(thrown({ 'urls-file': 'lists' })?.message).toContain(
      `Input 'urls-file' is "lists", which is a folder, not a file`
    )
  })
})

describePosix('where urls-file may point, on POSIX', () => {
  it('refuses a named pipe at once instead of waiting for a writer', () => {
    execFileSync('mkfifo', [path.join(workspace, 'pipe.txt')])
    const error = thrown({ 'urls-file': 'pipe.txt' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain('which is a named pipe (FIFO), not a regular file')
  })

  it('refuses a symlink to /dev/zero (it would never end)', () => {
    symlinkSync('/dev/zero', path.join(workspace, 'zero.txt'))
    const error = thrown({ 'urls-file': 'zero.txt' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain('which leads outside the workspace')
  })

  it('refuses a symlink loop', () => {
    symlinkSync('b.txt', path.join(workspace, 'a.txt'))
    symlinkSync('a.txt', path.join(workspace, 'b.txt'))
    expect(thrown({ 'urls-file': 'a.txt' })?.message).toContain('which is a symlink loop')
  })
})

describe('what urls-file may hold', () => {
  it('refuses a file one byte over 64 MiB before reading it', () => {
    const big = path.join(workspace, 'big.txt')
    writeFileSync(big, '')
    truncateSync(big, MAX_URLS_FILE_BYTES + 1)
    expect(MAX_URLS_FILE_BYTES).toBe(64 * 1024 * 1024)
    expect(thrown({ 'urls-file': 'big.txt' })?.message).toBe(
      `Input 'urls-file' is "big.txt", which is larger than 64 MiB: expected a file of at most 64 MiB (split a longer list across steps).`
    )
  })

  it('refuses a file that is not UTF-8 text', () => {
    writeFileSync(path.join(workspace, 'list.bin'), Buffer.from([0xff, 0xfe, 0x00, 0xc3]))
    expect(thrown({ 'urls-file': 'list.bin' })?.message).toContain('which is not UTF-8 text')
  })

  it('drops a UTF-8 byte order mark', () => {
    write('bom.txt', `\uFEFF${CAT}`)
    expect(inputs({ 'urls-file': 'bom.txt' }).entries[0]).toMatchObject({ url: CAT })
  })

  it('allows # comment lines and blank lines', () => {
    write('list.txt', `# nightly list\n\n${CAT}\n  # end\n`)
    expect(inputs({ 'urls-file': 'list.txt' }).entries).toHaveLength(1)
  })

  it.each([
    ['not a URL', `${SECRET}`],
    ['a scheme made of the secret', `${SECRET}:x`],
    ['credentials', `https://user:${SECRET}@${SECRET}.example/a.png`]
  ])('names the line of a bad line (%s) and never quotes it', (_, line) => {
    write('list.txt', `${CAT}\n# comment\n\n${line}\n`)
    const error = thrown({ 'urls-file': 'list.txt' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("Input 'urls-file' has ")
    expect(error?.message).toContain(' on line 4: ')
    expect(error?.message).not.toContain(SECRET)
  })

  it.each([
    ['a bad URL string', [CAT, SECRET], 'has an invalid URL in item 2'],
    ['an unknown key', [{ url: CAT, [SECRET]: 1 }], 'has an unknown key in item 1'],
    ['an unknown task type', [{ taskId: 't', type: SECRET }], 'has an unknown task type in item 1'],
    [
      'a task ID with a space',
      [{ taskId: `a ${SECRET}` }],
      'has a task ID with a space inside in item 1'
    ]
  ])('names the item of a bad JSON item (%s) and never quotes it', (_, items, problem) => {
    write('list.json', JSON.stringify(items))
    const error = thrown({ 'urls-file': 'list.json' })
    expect(error?.message).toContain(`Input 'urls-file' ${problem}: `)
    expect(error?.message).not.toContain(SECRET)
  })

  it('gives the line and column of broken JSON, not the text around it', () => {
    write('list.json', `[\n  "${CAT}",\n  ${SECRET}\n]`)
    const error = thrown({ 'urls-file': 'list.json' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(/^Input 'urls-file' is not valid JSON/)
    expect(error?.message).not.toContain(SECRET)
  })

  it('reads a list of 200,000 URLs (one pass, no spread of the whole list onto the stack)', () => {
    const lines: string[] = []
    for (let i = 1; i <= 200_000; i++) lines.push(`https://tempfile.aiquickdraw.com/v/${i}.png`)
    write('big.txt', `# generated\n${lines.join('\n')}\n`)
    const entries = inputs({ urls: CAT, 'urls-file': 'big.txt' }).entries
    expect(entries).toHaveLength(200_001)
    expect(entries.at(-1)).toEqual({
      kind: 'url',
      index: 200_001,
      url: 'https://tempfile.aiquickdraw.com/v/200000.png',
      taskId: null,
      endpoint: 'common'
    })
  })
})
