// End to end, as the pipelines the action is made for use it: sharded matrices, mixed inputs, empty lists, re-runs, big runs.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import type { Sandbox } from '../sandbox/index.ts'
import { type DistRun, makeWorkspace } from '../scripts/runner.ts'
import { inShard } from '../src/inputs/settings.js'
import { useSandbox } from './helpers/sandbox-suite.js'

const H = 'https://tempfile.aiquickdraw.com'

/** Many entries named alike (`cover.png` four times, one in capitals), a URL listed twice, one without an extension. */
const SHARDED = [
  `${H}/a/cover.png`,
  `${H}/b/cover.png`,
  `${H}/e/poster.jpg`,
  `${H}/c/COVER.png`,
  `${H}/a/cover.png`,
  'https://musicfile.kie.ai/s/Y292ZXI',
  `${H}/f/poster.jpg`,
  `${H}/d/cover.png`,
  `${H}/g/cover.mp3`,
  `${H}/h/poster.jpg`
]
const IMG = `${H}/p/e2e-one.png`
const AUD = `${H}/p/e2e-two.mp3`
const VID = `${H}/p/e2e-three.mp4`
const GONE = `${H}/p/never-generated.png`
const MANY = Array.from({ length: 1000 }, (_, i) => `${H}/many/${i}.png`)

let sandbox: Sandbox

const run = useSandbox(async started => {
  sandbox = started
  const unique = [...new Set([...SHARDED, IMG, AUD, VID, ...MANY])]
  for (const url of unique) {
    await sandbox.register({
      url,
      size: url.includes('/many/') ? 256 : 2048 + url.length,
      contentType: url.includes('musicfile') ? 'audio/mpeg' : undefined
    })
  }
})

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')

/** Every visible file under a folder (what upload-artifact uploads by default): relative path to sha256. */
function tree(dir: string, under = ''): Map<string, string> {
  const out = new Map<string, string>()
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(path.join(dir, under), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const rel = under ? `${under}/${entry.name}` : entry.name
    if (entry.isDirectory()) for (const [k, v] of tree(dir, rel)) out.set(k, v)
    else out.set(rel, sha256(path.join(dir, rel)))
  }
  return out
}

/** download-artifact with `merge-multiple: true`, except that a file overwriting another is an error here. */
function merge(dirs: string[], into: string): Map<string, string> {
  for (const dir of dirs) {
    for (const rel of tree(dir).keys()) {
      const target = path.join(into, rel)
      if (existsSync(target)) throw new Error(`merging the shards overwrites ${rel}`)
      mkdirSync(path.dirname(target), { recursive: true })
      copyFileSync(path.join(dir, rel), target)
    }
  }
  return tree(into)
}

const dest = (r: DistRun): string => path.join(r.workspace.dir, 'kie-downloads')

/** Log lines a person sees at info level, outside any ::group:: (runner commands hidden). */
function visibleOutsideGroups(log: string): string[] {
  const out: string[] = []
  let depth = 0
  for (const line of log.split('\n')) {
    if (line.startsWith('::group::')) depth++
    else if (line.startsWith('::endgroup::')) depth--
    else if (depth === 0 && line.trim() !== '' && !/^::[a-z-]+/.test(line)) out.push(line)
  }
  return out
}

describe('a sharded matrix', () => {
  it('three shards of a list with repeated names, merged, give the unsharded run’s files and names', async () => {
    // Every shard holds part of the list, and the names that clash are spread over shards: the
    // test would prove nothing if one shard held all of them.
    const owners = SHARDED.map(url => [1, 2, 3].find(i => inShard(url, { index: i, total: 3 })))
    expect(new Set(owners).size).toBe(3)
    const covers = SHARDED.filter(u => /cover\.png$/i.test(u)).map(u => owners[SHARDED.indexOf(u)])
    expect(new Set(covers).size).toBeGreaterThan(1)

    const urls = SHARDED.join('\n')
    const whole = await run({ urls, concurrency: '8' })
    expect(whole.code).toBe(0)
    const shards = await Promise.all(
      ['1/3', '2/3', '3/3'].map(shard => run({ urls, shard, concurrency: '8' }))
    )
    for (const [i, r] of shards.entries()) {
      expect(r.code).toBe(0)
      const own = owners.filter(o => o === i + 1).length
      expect(visibleOutsideGroups(r.log)[0]).toBe(`shard ${i + 1}/3: ${own} of 10 entries`)
      // Only its own entries are fetched and reported.
      expect(r.files).toHaveLength(own)
    }

    const merged = merge(shards.map(dest), path.join(makeWorkspace().dir, 'merged'))
    const expected = tree(dest(whole))
    expect([...merged.keys()].sort()).toEqual([...expected.keys()].sort())
    expect(merged).toEqual(expected)
    // The names are those of the unsharded run, entry by entry, suffixes decided over the whole list.
    const byUrl = (r: DistRun): Array<[unknown, unknown]> => r.files.map(f => [f.url, f.name])
    const shardNames = new Map(shards.flatMap(byUrl))
    expect(byUrl(whole).map(([url]) => [url, shardNames.get(url)])).toEqual(byUrl(whole))
    expect(byUrl(whole).map(([, name]) => name)).toEqual([
      'cover.png',
      'cover-2.png',
      'poster.jpg',
      'COVER-3.png',
      'cover.png',
      'Y292ZXI.mp3',
      'poster-2.jpg',
      'cover-4.png',
      'cover.mp3',
      'poster-3.jpg'
    ])
  }, 30_000)
})

describe('a sharded run with if-exists: skip', () => {
  it('re-runs without a request, a URL without an extension included', async () => {
    const ws = makeWorkspace()
    const inputs = { urls: SHARDED.join('\n'), shard: '1/1', 'if-exists': 'skip' }
    const first = await run(inputs, { workspace: ws })
    expect(first.outputs.downloaded).toBe('9')
    sandbox.clearRequests()
    const again = await run(inputs, { workspace: ws })
    expect(again.code).toBe(0)
    expect(again.files.map(f => [f.name, f.status])).toEqual(
      first.files.map(f => [f.name, 'skipped'])
    )
    expect(sandbox.requests).toEqual([])
  })

  it('leaves another URL’s file alone when the list changed, and says so', async () => {
    const ws = makeWorkspace()
    const [a, b] = [`${H}/a/cover.png`, `${H}/b/cover.png`]
    const first = await run({ urls: `${a}\n${b}`, shard: '1/1' }, { workspace: ws })
    expect(first.files.map(f => f.name)).toEqual(['cover.png', 'cover-2.png'])
    const before = tree(dest(first))
    // `a` left the list: from the list alone, `b` is named cover.png, which holds a's file.
    const again = await run({ urls: b, shard: '1/1', 'if-exists': 'skip' }, { workspace: ws })
    expect(again.code).toBe(1)
    expect(again.files[0]).toMatchObject({ name: 'cover.png', status: 'failed' })
    expect(again.files[0].error).toMatch(/the file of another URL from an earlier run/)
    expect(tree(dest(again))).toEqual(before)
  })
})

describe('inputs', () => {
  it('URLs plus typed task IDs download both', async () => {
    const task = await sandbox.registerTask({
      type: 'market',
      taskId: 'e2e-mixed-task',
      files: [
        { url: `${H}/r/mixed-1.png`, size: 3000 },
        { url: `${H}/r/mixed-2.png`, size: 3001 }
      ]
    })
    const r = await run({
      urls: `${IMG}\n${AUD}`,
      'task-ids': task.taskId,
      'task-type': 'market',
      filename: '{taskId}/{name}'
    })
    expect(r.code).toBe(0)
    expect(r.files.map(f => [f.name, f.taskId, f.status])).toEqual([
      ['e2e-one.png', null, 'downloaded'],
      ['e2e-two.mp3', null, 'downloaded'],
      ['e2e-mixed-task/mixed-1.png', 'e2e-mixed-task', 'downloaded'],
      ['e2e-mixed-task/mixed-2.png', 'e2e-mixed-task', 'downloaded']
    ])
    expect(r.files.slice(2).map(f => f.sha256)).toEqual(task.files.map(f => f.sha256))
    expect(JSON.parse(r.outputs.tasks)).toEqual([
      { taskId: task.taskId, type: 'market', state: 'success', files: 2, error: null }
    ])
    // The task was looked up; the URLs went through the common endpoint, not paired with it.
    expect(
      sandbox.requests.filter(q => q.method === 'GET' && q.taskId === task.taskId)
    ).not.toEqual([])
    expect(sandbox.requests.filter(q => q.path.includes('gpt4o'))).toEqual([])
  }, 15_000)
})

describe('an empty list', () => {
  /** Every output is set, to nothing: a scheduled collector with nothing new reads them as usual. */
  function expectNothing(r: DistRun): void {
    expect(r.outputs).toEqual({
      count: '0',
      downloaded: '0',
      failed: '0',
      dir: dest(r),
      paths: '',
      files: '[]',
      tasks: '[]',
      manifest: expect.stringMatching(/\.json$/)
    })
    expect(JSON.parse(readFileSync(r.outputs.manifest, 'utf8'))).toEqual([])
    expect(r.summary).toContain('kie.ai downloads: nothing to download')
    // Nothing was created for it, not even the folder.
    expect(existsSync(dest(r))).toBe(false)
    expect(sandbox.requests).toEqual([])
  }

  it('is green with a warning by default, naming what was empty', async () => {
    const r = await run({ urls: '', 'task-ids': '' })
    expect(r.code).toBe(0)
    expect(r.log).toContain(
      "::warning::Nothing to download: 'urls', 'urls-file' and 'task-ids' are all empty."
    )
    expectNothing(r)
    expect(r.summary).toContain('### ⚠️ kie.ai downloads: nothing to download')
  })

  it('is red with if-no-files-found: error, naming urls-file when the list came from it', async () => {
    const ws = makeWorkspace()
    writeFileSync(path.join(ws.dir, 'new.txt'), '# nothing generated today\n\n')
    const r = await run({ 'urls-file': 'new.txt', 'if-no-files-found': 'error' }, { workspace: ws })
    expect(r.code).toBe(1)
    expect(r.log).toMatch(
      /::error::Nothing to download: 'urls-file' \(new\.txt\) lists no file URL and no task .*\(if-no-files-found: error\)/
    )
    expectNothing(r)
    expect(r.summary).toContain('### ❌ kie.ai downloads: nothing to download')
  })

  it('is silent with if-no-files-found: ignore (a log line only)', async () => {
    const r = await run({ urls: '[]', 'if-no-files-found': 'ignore' })
    expect(r.code).toBe(0)
    expect(r.log).not.toMatch(/::(warning|error)::/)
    expect(r.log).toContain("Nothing to download: 'urls' lists no file URL and no task")
    expectNothing(r)
  })

  it('is a shard that got none of the entries: green with a warning naming the shard', async () => {
    const other = [1, 2].find(i => !inShard(IMG, { index: i, total: 2 }))
    const r = await run({ urls: IMG, shard: `${other}/2` })
    expect(r.code).toBe(0)
    expect(visibleOutsideGroups(r.log)[0]).toBe(`shard ${other}/2: 0 of 1 entry`)
    expect(r.log).toContain(
      `::warning::Nothing to download: shard ${other}/2 got none of the 1 entry of 'urls'.`
    )
    expectNothing(r)
  })
})

describe('the downloaded output', () => {
  it('is 3, then 0 on an if-exists: skip re-run (count stays 3)', async () => {
    const ws = makeWorkspace()
    const inputs = { urls: [IMG, AUD, VID].join('\n'), 'if-exists': 'skip' }
    const first = await run(inputs, { workspace: ws })
    expect([first.outputs.downloaded, first.outputs.count]).toEqual(['3', '3'])
    const again = await run({ ...inputs, summary: 'off' }, { workspace: ws })
    expect(again.code).toBe(0)
    expect([again.outputs.downloaded, again.outputs.count]).toEqual(['0', '3'])
    expect(again.files.map(f => f.status)).toEqual(['skipped', 'skipped', 'skipped'])
    // summary: off writes none.
    expect(again.summary).toBe('')
  })
})

describe('a big run', () => {
  it('keeps the log of 1,000 files under 60 lines outside one collapsed group', async () => {
    const r = await run({ urls: MANY.join('\n'), concurrency: '32' }, { timeoutMs: 60_000 })
    expect(r.code).toBe(0)
    expect(r.outputs.downloaded).toBe('1000')
    const outside = visibleOutsideGroups(r.log)
    expect(outside.length).toBeLessThan(60)
    expect(outside[0]).toBe('Downloading 1000 files into kie-downloads/')
    expect(outside.at(-1)).toMatch(/^1000 files downloaded · /)
    expect(r.log.match(/^::group::/gm)).toHaveLength(1)
    expect(r.log.match(/^✔ /gm)).toHaveLength(1000)
  }, 60_000)
})

describe('the summary input', () => {
  it('summary: failures lists only the failed rows, under a neutral title when the step passes', async () => {
    const r = await run({
      urls: [IMG, GONE, AUD].join('\n'),
      summary: 'failures',
      'fail-on-error': 'false'
    })
    expect(r.code).toBe(0)
    expect(r.summary).toMatch(/^### ⚠️ kie\.ai downloads: 2 files downloaded, 1 failed/)
    const rows = r.summary.split('\n').filter(l => /^\| \d/.test(l))
    expect(rows).toEqual([expect.stringMatching(/^\| 2 \| `never-generated\.png` \|.*❌/)])
    expect(r.summary).toContain('2 files that arrived or were already there are not listed')
  })
})
