// Windows rules for names, checked on every OS: device names, reserved characters, trailing dots and
// spaces, case-insensitive collisions, and containment judged by path.win32 as a Windows runner would.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
// Inside properties, node's assert: jest's expect costs about 1.5 ms a call here, a thousand runs 1.5 s.
// Each property is then one expect: that fc.assert, which throws the counterexample, does not throw.
import assert from 'node:assert'
import path from 'node:path'
import { NameRegistry } from '../src/place/naming.js'
import { nameFromUrl, renderName, sanitizeSegment } from '../src/util/names.js'

const DEVICES = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap(n => [`COM${n}`, `LPT${n}`])
]

/**
 * What Windows opens as a device instead of a file: the part before the first dot, with trailing
 * spaces dropped, compared without case (`con`, `NUL.txt`, `Aux .tar.gz`, `lpt1.`).
 */
function isWindowsDevice(name: string): boolean {
  return DEVICES.includes(name.split('.')[0].trimEnd().toUpperCase())
}

/** A name Windows would create and open as written: no reserved character, no trailing dot or space. */
function windowsSafe(name: string): string[] {
  const problems: string[] = []
  if (/[<>:"/\\|?*]/.test(name) || [...name].some(c => c.charCodeAt(0) < 32))
    problems.push('reserved character')
  if (/[. ]$/.test(name)) problems.push('trailing dot or space')
  if (isWindowsDevice(name)) problems.push('device name')
  return problems
}

/** A device name in any mix of case, with optional trailing dots/spaces and extensions. */
const deviceLike = fc
  .tuple(
    fc.constantFrom(...DEVICES),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.constantFrom('', '.', ' ', ' .', '..', '. '),
    fc.constantFrom('', '.png', '.txt', '.tar.gz', '.mp3', '.')
  )
  .map(([device, upper, tail, ext]) => {
    const cased = [...device].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('')
    return `${cased}${tail}${ext}`
  })

/** Strings rich in what Windows treats specially. */
const windowsHostile = fc.oneof(
  deviceLike,
  fc.string({ unit: fc.constantFrom(...'<>:"/\\|?*. aZ0%\u0001'.split('')), maxLength: 24 }),
  fc.string()
)

describe('device names (Windows)', () => {
  it.each([
    'CON',
    'con',
    'Nul',
    'aux.png',
    'COM1.txt',
    'lpt9.tar.gz',
    'PRN.',
    'con..',
    'NUL.tar.gz'
  ])('%s is not left a device name', raw => {
    const name = sanitizeSegment(raw)
    expect(isWindowsDevice(name)).toBe(false)
    expect(name).not.toBe('')
  })

  it('no device name, in any case, with or without extensions, survives (property)', () => {
    expect(() =>
      fc.assert(
        fc.property(deviceLike, raw => {
          assert.deepStrictEqual(windowsSafe(sanitizeSegment(raw)), [])
        })
      )
    ).not.toThrow()
  })

  it('names that only begin like a device are left alone', () => {
    for (const raw of ['console.png', 'auxiliary.txt', 'com10.mp3', 'lpt0.png', 'nullable'])
      expect(sanitizeSegment(raw)).toBe(raw)
  })

  it('a device name as URL file name, task ID or folder gets no device segment', () => {
    const url = nameFromUrl('https://tempfile.aiquickdraw.com/v/Con.png')
    const rendered = renderName('{taskId}/{stem}/{name}', {
      ...url,
      index: 1,
      n: 1,
      taskId: 'aux'
    })
    for (const segment of rendered.split('/')) expect(windowsSafe(segment)).toEqual([])
  })
})

describe('reserved characters, trailing dots and spaces (Windows)', () => {
  it.each([
    ['C:\\Windows\\system32', 'no drive, no backslash'],
    ['a.png:Zone.Identifier', 'no NTFS alternate data stream'],
    ['..\\..\\evil.png', 'no climbing with backslashes'],
    ['report. ', 'no trailing dot or space'],
    ['name . . ', 'no trailing dots and spaces mixed'],
    ['a<b>c|d?e*f"g', 'no reserved character'],
    ['a%5Cb%3Ac', 'no encoded backslash or colon']
  ])('%s: %s', raw => {
    const name = sanitizeSegment(raw)
    expect(windowsSafe(name)).toEqual([])
    expect(name).not.toMatch(/[\\:]/)
  })

  it('no `\\` or `:`, reserved character, trailing dot or space survives (property)', () => {
    expect(() =>
      fc.assert(
        fc.property(windowsHostile, raw => {
          assert.deepStrictEqual(windowsSafe(sanitizeSegment(raw)), [])
        })
      )
    ).not.toThrow()
  })

  it('a rendered name stays inside the destination as a Windows runner resolves it (property)', () => {
    const dest = 'D:\\a\\repo\\repo\\kie-downloads'
    expect(() =>
      fc.assert(
        fc.property(
          windowsHostile,
          windowsHostile,
          fc.constantFrom('{name}', '{taskId}/{name}', '{taskId}\\{index}-{name}', '{stem}:{ext}'),
          (stem, taskId, template) => {
            const rendered = renderName(template, { stem, ext: '.png', index: 3, n: 1, taskId })
            const full = path.win32.resolve(dest, ...rendered.split('/'))
            const rel = path.win32.relative(dest, full)
            assert.strictEqual(
              rel === '' || rel.startsWith('..') || path.win32.isAbsolute(rel),
              false
            )
            for (const segment of rendered.split('/'))
              assert.deepStrictEqual(windowsSafe(segment), [])
          }
        )
      )
    ).not.toThrow()
  })
})

describe('case-insensitive collisions (NameRegistry, as on Windows and macOS)', () => {
  it('names differing only in case get suffixes, in input order', () => {
    const registry = new NameRegistry()
    expect(registry.claim('Photo.PNG', '.png')).toBe('Photo.PNG')
    expect(registry.claim('photo.png', '.png')).toBe('photo-2.png')
    expect(registry.claim('PHOTO.png', '.png')).toBe('PHOTO-3.png')
  })

  it('a name that Windows would read as another (trailing dot) collides with it', () => {
    const registry = new NameRegistry()
    const first = renderName('{name}', { stem: 'clip', ext: '.mp4', index: 1, taskId: null, n: 1 })
    const second = renderName('{stem}.', {
      stem: 'CLIP.mp4',
      ext: '',
      index: 2,
      taskId: null,
      n: 1
    })
    expect(registry.claim(first, '.mp4')).toBe('clip.mp4')
    expect(registry.claim(second, '.mp4').toLowerCase()).toBe('clip-2.mp4')
  })

  it('a folder and a file differing only in case do not collide on disk', () => {
    const registry = new NameRegistry()
    const file = registry.claim('Task', '')
    const nested = registry.claim('task/a.png', '.png')
    expect(nested.split('/')[0].toLowerCase()).not.toBe(file.toLowerCase())
  })

  it('a name kept from an earlier run blocks every casing of it', () => {
    const registry = new NameRegistry()
    registry.reserve('Out/A.png')
    expect(registry.claim('out/a.PNG', '.png').toLowerCase()).toBe('out/a-2.png')
  })

  it('no two claimed names are equal without case, and none is a folder of another (property)', () => {
    const segment = fc.string({
      unit: fc.constantFrom(...'aAbB.'.split('')),
      minLength: 1,
      maxLength: 3
    })
    expect(() =>
      fc.assert(
        fc.property(
          fc.array(fc.array(segment, { minLength: 1, maxLength: 3 }), { maxLength: 25 }),
          paths => {
            const registry = new NameRegistry()
            const claimed = paths
              .map(segments => segments.map(sanitizeSegment).filter(Boolean).join('/'))
              .filter(Boolean)
              .map(rel => registry.claim(rel, path.extname(rel)).toLowerCase())
            assert.strictEqual(new Set(claimed).size, claimed.length)
            const folders = new Set(
              claimed.flatMap(rel =>
                rel
                  .split('/')
                  .slice(0, -1)
                  .map((_, i, s) => s.slice(0, i + 1).join('/'))
              )
            )
            for (const rel of claimed) assert.strictEqual(folders.has(rel), false)
          }
        )
      )
    ).not.toThrow()
  })
})
