// Contract check: the bundled action talks to the sandbox through Prism, which refuses any request or response that breaks sandbox/kie-openapi.yaml.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  COMMON_PATH,
  GPT4O_PATH,
  type LoggedRequest,
  type RegisteredFile,
  type RegisteredTask,
  type RegisterTaskOptions,
  Sandbox,
  TASK_PATHS,
  type TaskFamily
} from '../sandbox/index.ts'
import { KIE_SPEC, type PrismProxy, startPrismProxy } from '../scripts/prism.ts'
import { type DistRun, runDist } from '../scripts/runner.ts'

const IMG = 'https://tempfile.aiquickdraw.com/v/contract-image.png'
const VID = 'https://tempfile.aiquickdraw.com/p/contract-video.mp4'
const TASK = 'task-contract'

let sandbox: Sandbox
let prism: PrismProxy
let img: RegisteredFile
let vid: RegisteredFile
/** Where this test's part of Prism's log and refusals start. */
let logFrom = 0
let refusalsFrom = 0

beforeAll(async () => {
  sandbox = await Sandbox.start()
  img = await sandbox.register({ url: IMG, size: 64 * 1024 })
  vid = await sandbox.register({ url: VID, size: 256 * 1024, taskId: TASK })
  prism = await startPrismProxy(sandbox.baseUrl)
  // Prism's start lists every route with made-up words for its parameters ("taskId=error"): none
  // of that is a complaint about a test.
  logFrom = prism.log().length
}, 60_000)

afterAll(async () => {
  await prism?.close()
  await sandbox?.close()
})

afterEach(async () => {
  sandbox.clearFaults()
  await prismLogCaughtUp()
  sandbox.clearRequests()
  logFrom = prism.log().length
  refusalsFrom = prism.refusals().length
})

let marks = 0
/**
 * Waits until Prism has printed all it will about the requests so far, and returns where in its
 * log that ends. It prints after it has answered, so a test's last lines could otherwise land in
 * the next test's share of the log. The mark, a path the spec lacks, is refused by Prism itself
 * and logged in order after everything before it.
 */
async function prismLogCaughtUp(): Promise<number> {
  const mark = `/log-mark-${++marks}`
  await (await fetch(prism.prismUrl + mark)).arrayBuffer()
  await prism.logged(new RegExp(`${mark} .*NO_PATH_MATCHED`))
  const log = prism.log()
  return log.lastIndexOf('\n', log.indexOf(` ${mark} `)) + 1
}

/** Prism's log lines since the test began (up to `end`) that say it refused or flagged something. */
function prismComplaints(end?: number): string[] {
  return (
    prism
      .log()
      .slice(logFrom, end)
      .split('\n')
      // Words in a URL (a task ID, a file name) are the client's, not Prism's.
      .filter(line =>
        /\b(error|warning|fatal)\b|violation/i.test(line.replace(/\bhttps?:\/\/\S+/g, ''))
      )
  )
}

/** What Prism refused since the test began, as `POST /path <body> -> 422 why`. */
function prismRefusals(): string[] {
  return prism
    .refusals()
    .slice(refusalsFrom)
    .map(r => `${r.method} ${r.path} ${r.sent} -> ${r.status} ${r.problem}`)
}

/**
 * The bundled action with Prism as its API; no retries, so a refusal fails the step at once, and a
 * short timeout, as Prism never answers a body that is not JSON (stoplightio/prism#2664).
 */
function runThroughPrism(
  inputs: Record<string, string>,
  options: { proxy?: PrismProxy; timeoutMs?: number } = {}
): Promise<DistRun> {
  return runDist(
    {
      'api-key': sandbox.apiKey,
      'base-url': (options.proxy ?? prism).url,
      retries: '0',
      timeout: '5',
      ...inputs
    },
    { timeoutMs: options.timeoutMs }
  )
}

/** What Prism said about a run: taken right after it, for tests that check one run between them. */
interface PrismSaid {
  refusals: string[]
  complaints: string[]
}

/**
 * The run passed without a word from Prism, and its rows are exactly `expected`, downloaded and
 * byte-exact; `rows` narrows the rows checked to those of one part of a shared run.
 */
function expectAllDownloaded(
  r: DistRun,
  expected: RegisteredFile[],
  said: PrismSaid = { refusals: prismRefusals(), complaints: prismComplaints() },
  rows: DistRun['files'] = r.files
): void {
  // All three together, so a broken contract shows what was sent and which rule it broke.
  expect({ code: r.code, ...said }).toEqual({ code: 0, refusals: [], complaints: [] })
  expect(rows.map(f => [f.url, f.status, f.error, f.sha256])).toEqual(
    expected.map(e => [e.url, 'downloaded', null, e.sha256])
  )
  for (const f of rows) {
    expect(
      createHash('sha256')
        .update(readFileSync(f.path as string))
        .digest('hex')
    ).toBe(f.sha256)
  }
}

/** POSTs straight to Prism (not through the recorder), as a broken client would. */
async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${sandbox.apiKey}` }
): Promise<{ status: number; type: string; violations: string; body: Record<string, unknown> }> {
  const res = await fetch(prism.prismUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body)
  })
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    violations: res.headers.get('sl-violations') ?? '',
    body: (await res.json()) as Record<string, unknown>
  }
}

describe('the bundled action keeps to the spec', () => {
  it('downloads from both endpoints through Prism with every byte intact', async () => {
    const r = await runThroughPrism({ urls: JSON.stringify([IMG, { url: VID, taskId: TASK }]) })
    expectAllDownloaded(r, [img, vid])
    // Both calls really went through Prism to the sandbox.
    const api = sandbox.requests.filter(q => q.target === 'api')
    expect(api.map(q => [q.path, q.status]).sort()).toEqual([
      [COMMON_PATH, 200],
      [GPT4O_PATH, 200]
    ])
  })

  it('endpoint gpt4o-image for every entry, and endpoint common for an entry with a task ID', async () => {
    const all4o = await runThroughPrism({
      urls: `${IMG}\n${VID}`,
      'task-ids': TASK,
      endpoint: 'gpt4o-image'
    })
    expectAllDownloaded(all4o, [img, vid])
    // The common endpoint allows no taskId in the body: the action must leave it out.
    const common = await runThroughPrism({ urls: VID, 'task-ids': TASK, endpoint: 'common' })
    expectAllDownloaded(common, [vid])
    expect(sandbox.requests.filter(q => q.target === 'api').map(q => q.path)).toEqual([
      GPT4O_PATH,
      GPT4O_PATH,
      COMMON_PATH
    ])
  })
})

describe('the check has teeth', () => {
  it.each([
    [
      'a 4o request without taskId',
      GPT4O_PATH,
      { url: VID },
      [/must have required property 'taskId'/]
    ],
    [
      'a 4o request with task_id for taskId',
      GPT4O_PATH,
      { task_id: TASK, url: VID },
      [/required property 'taskId'/, /must NOT have additional properties; found 'task_id'/]
    ],
    [
      'a common request carrying a taskId',
      COMMON_PATH,
      { url: IMG, taskId: TASK },
      [/must NOT have additional properties; found 'taskId'/]
    ],
    ['a common request whose url is not a URI', COMMON_PATH, { url: 'not a uri' }, [/"uri"/]]
  ] as const)(
    'Prism refuses %s with 422 and never forwards it',
    async (_, path, body, messages) => {
      const r = await post(path, body)
      expect([r.status, r.type]).toEqual([422, 'application/problem+json'])
      expect(r.body.type).toBe('https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY')
      const said = (r.body.validation as Array<{ message: string }>).map(v => v.message).join('\n')
      for (const m of messages) expect(said).toMatch(m)
      expect(sandbox.requests).toEqual([])
    }
  )

  it('Prism refuses a request without the Authorization header with 401', async () => {
    const r = await post(COMMON_PATH, { url: IMG }, {})
    expect([r.status, r.body.type]).toEqual([401, 'https://stoplight.io/prism/errors#UNAUTHORIZED'])
    expect(sandbox.requests).toEqual([])
  })

  it.each([
    [
      'a code outside the endpoint enum',
      { kind: 'code', code: 418 },
      ['response', 'body', 'code'],
      'enum'
    ],
    [
      'code 451 from the common endpoint (4o only)',
      { kind: 'code', code: 451 },
      ['response', 'body', 'code'],
      'enum'
    ],
    [
      'a data that is not a URI',
      { kind: 'signedUrl', data: 'not a uri' },
      ['response', 'body', 'data'],
      'format'
    ]
  ] as const)(
    'a sandbox answer with %s becomes Prism 500 VIOLATIONS',
    async (_, fault, location, rule) => {
      sandbox.inject({ target: 'api', fault })
      const r = await post(COMMON_PATH, { url: IMG })
      // Unlike a bad request, the response is checked after the upstream answered it.
      expect(sandbox.requests.map(q => [q.path, q.status])).toEqual([[COMMON_PATH, 200]])
      expect([r.status, r.type, r.body.type]).toEqual([
        500,
        'application/problem+json',
        'https://stoplight.io/prism/errors#VIOLATIONS'
      ])
      expect(JSON.parse(r.violations)).toEqual([
        expect.objectContaining({ location, severity: 'Error', code: rule })
      ])
      expect(r.body.validation).toEqual(JSON.parse(r.violations))
    }
  )

  it('a response violation fails the action step', async () => {
    sandbox.inject({ target: 'api', fault: { kind: 'code', code: 418 }, url: IMG })
    const r = await runThroughPrism({ urls: IMG })
    expect(r.code).toBe(1)
    expect(r.files[0]).toMatchObject({ status: 'failed', path: null })
    expect(r.files[0].error).toMatch(/answered 500: kie.ai server error/)
    expect(prismRefusals()).toEqual([
      expect.stringMatching(
        /-> 500 Request\/Response not valid; response\.body\.code: .*allowed values/
      )
    ])
  })
})

/** Every family, with how many main results and extras its answer carries, and their extension. */
const SHAPES: Record<TaskFamily, { main: number; extras: number; ext: string }> = {
  market: { main: 2, extras: 1, ext: 'png' },
  '4o-image': { main: 2, extras: 0, ext: 'png' },
  'flux-kontext': { main: 1, extras: 1, ext: 'png' },
  veo: { main: 1, extras: 2, ext: 'mp4' },
  runway: { main: 1, extras: 1, ext: 'mp4' },
  aleph: { main: 1, extras: 1, ext: 'mp4' },
  luma: { main: 1, extras: 1, ext: 'mp4' },
  midjourney: { main: 4, extras: 0, ext: 'jpeg' },
  suno: { main: 2, extras: 4, ext: 'mp3' },
  'suno-wav': { main: 1, extras: 0, ext: 'wav' },
  'suno-stems': { main: 3, extras: 1, ext: 'mp3' },
  'suno-mp4': { main: 1, extras: 0, ext: 'mp4' },
  'suno-cover': { main: 2, extras: 0, ext: 'png' }
}
const FAMILIES = Object.keys(SHAPES) as TaskFamily[]

let taskCount = 0
/** A task of every result kind its family has; by default running at the first look, done at the second. */
function contractTask(
  type: TaskFamily,
  options: Partial<RegisterTaskOptions> & { spelling: 'doc' | 'alt' }
): Promise<RegisteredTask> {
  const id = `${type}-${options.spelling}-${options.outcome ?? 'success'}-${++taskCount}`
  const { main, extras, ext } = SHAPES[type]
  const file = (kind: string, i: number): { url: string; size: number } => ({
    url: `https://tempfile.aiquickdraw.com/${kind}/${id}-${i}.${kind === 'x' ? 'jpg' : ext}`,
    size: 8192 + i
  })
  return sandbox.registerTask({
    type,
    taskId: id,
    pendingLooks: 1,
    files: Array.from({ length: main }, (_, i) => file('r', i)),
    extras: Array.from({ length: extras }, (_, i) => file('x', i)),
    ...options
  })
}

const taskIds = (tasks: RegisteredTask[]): string =>
  JSON.stringify(tasks.map(t => ({ taskId: t.taskId, type: t.type })))

/** GETs a task lookup straight from Prism (not through the recorder), as a broken client would. */
async function look(
  url: string,
  init: RequestInit = {}
): Promise<{ status: number; type: string; text: string; violations: Violation[] }> {
  const res = await fetch(prism.prismUrl + url, {
    ...init,
    headers: { authorization: `Bearer ${sandbox.apiKey}`, ...init.headers }
  })
  const text = await res.text()
  const problem = res.headers.get('content-type')?.startsWith('application/problem+json')
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    violations: problem ? ((JSON.parse(text).validation ?? []) as Violation[]) : []
  }
}

const URL_A = 'https://tempfile.aiquickdraw.com/v/a.png'
/** A code-200 answer with this record (taskId t1). */
const ok = (data: Record<string, unknown>): unknown => ({
  code: 200,
  msg: 'success',
  data: { taskId: 't1', ...data }
})

interface Violation {
  location: string[]
  code: string
  message: string
}

/** The Market shapes of 2026-10: Suno tracks (a 404 first, or running first), frames, masks. */
async function marketShapeTasks(): Promise<RegisteredTask[]> {
  const tasks: RegisteredTask[] = []
  for (const spelling of ['doc', 'alt'] as const) {
    const id = `suno-market-${spelling}-${++taskCount}`
    const track = (i: number): { url: string; size: number } => ({
      url: `https://tempfile.aiquickdraw.com/s/${id}-${i}.mp3`,
      size: 4000 + i
    })
    const side = (kind: string, i: number): { url: string; size: number } => ({
      url: `https://musicfile.kie.ai/${kind}-${id}-${i}.jpeg`,
      size: 900 + i
    })
    tasks.push(
      await sandbox.registerTask({
        type: 'market',
        taskId: id,
        marketResult: 'suno',
        spelling,
        notFoundLooks: spelling === 'doc' ? 1 : 0,
        pendingLooks: spelling === 'doc' ? 0 : 1,
        files: [track(0), track(1)],
        extras: [side('cover', 0), side('stream', 0), side('cover', 1), side('stream', 1)]
      })
    )
  }
  const frame = (i: number): { url: string; size: number } => ({
    url: `https://tempfile.aiquickdraw.com/f/frame-${taskCount}-${i}.png`,
    size: 700 + i
  })
  tasks.push(
    await contractTask('market', {
      spelling: 'doc',
      marketResult: 'frames',
      extras: [frame(0), frame(1)]
    })
  )
  tasks.push(await contractTask('market', { spelling: 'doc', marketResult: 'masks', extras: [] }))
  return tasks
}

describe('task mode keeps to the spec', () => {
  // One run of the bundled action waits for every task of the tests below: its lookups are paced
  // (10 a second) and a task running at its first look is looked at again ~3 s later, so three
  // runs cost three times the wait of one. Each test checks its own tasks' part of the run.
  const families = { doc: [] as RegisteredTask[], alt: [] as RegisteredTask[] }
  const market: RegisteredTask[] = []
  let shared: { tasks: RegisteredTask[]; r: DistRun; said: PrismSaid; looks: LoggedRequest[] }

  beforeAll(async () => {
    for (const spelling of ['doc', 'alt'] as const) {
      for (const type of FAMILIES) families[spelling].push(await contractTask(type, { spelling }))
    }
    market.push(...(await marketShapeTasks()))
    const tasks = [...families.doc, ...families.alt, ...market]
    const r = await runThroughPrism(
      { 'task-ids': taskIds(tasks), results: 'all', wait: '60' },
      { timeoutMs: 60_000 }
    )
    const logEnd = await prismLogCaughtUp()
    shared = {
      tasks,
      r,
      said: { refusals: prismRefusals(), complaints: prismComplaints(logEnd) },
      looks: sandbox.requests.filter(q => q.method === 'GET' && q.target === 'api')
    }
    sandbox.clearRequests()
    logFrom = prism.log().length
    refusalsFrom = prism.refusals().length
  }, 90_000)

  /** The shared run's rows of these tasks, once it is clear that every row belongs to a task. */
  function rowsOf(tasks: RegisteredTask[]): DistRun['files'] {
    const ofAny = (list: RegisteredTask[], f: DistRun['files'][number]): boolean =>
      list.some(t => t.taskId === f.taskId)
    expect(shared.r.files.filter(f => !ofAny(shared.tasks, f))).toEqual([])
    return shared.r.files.filter(f => ofAny(tasks, f))
  }
  const statesOf = (tasks: RegisteredTask[]): unknown[] =>
    JSON.parse(shared.r.outputs.tasks)
      .filter((t: Record<string, unknown>) => tasks.some(task => task.taskId === t.taskId))
      .map((t: Record<string, unknown>) => t.state)

  it.each(['doc', 'alt'] as const)(
    'a task of every family is waited for and all its results downloaded through Prism (%s spelling)',
    spelling => {
      const tasks = families[spelling]
      expectAllDownloaded(
        shared.r,
        tasks.flatMap(t => [...t.files, ...t.extras]),
        shared.said,
        rowsOf(tasks)
      )
      expect(statesOf(tasks)).toEqual(tasks.map(() => 'success'))
      // Every task was looked up at its family's endpoint through Prism: running, then done.
      expect(
        tasks.map(t => shared.looks.filter(q => q.taskId === t.taskId).map(q => [q.path, q.status]))
      ).toEqual(
        tasks.map(t => [
          [TASK_PATHS[t.type], 200],
          [TASK_PATHS[t.type], 200]
        ])
      )
    }
  )

  it('every answer the sandbox gives a lookup passes: 422 first, running, then done, failed or text-only', async () => {
    const failures: string[] = []
    for (const type of FAMILIES) {
      for (const spelling of ['doc', 'alt'] as const) {
        for (const outcome of ['success', 'fail', 'text'] as const) {
          // The answers before the ending (422, then running three times) are the same whatever
          // the ending: the successful task walks through them, the others only end.
          const walk = outcome === 'success'
          const waits = walk ? { nullLooks: 1, pendingLooks: 3 } : { pendingLooks: 0 }
          const t = await contractTask(type, { spelling, outcome, ...waits })
          for (let n = 1; n <= (walk ? 5 : 1); n++) {
            const r = await look(`${t.path}?taskId=${t.taskId}`)
            if (r.status !== 200 || r.type !== 'application/json') {
              failures.push(`${t.taskId} look ${n}: ${r.status} ${r.text.slice(0, 600)}`)
            }
          }
        }
      }
    }
    expect(failures).toEqual([])
    // Every look reached the sandbox: 13 families, 2 spellings, 5 looks to success, 1 to fail, 1 to text.
    expect(sandbox.requests.filter(q => q.method === 'GET')).toHaveLength(13 * 2 * (5 + 1 + 1))
  }, 60_000)

  it('the Market shapes of 2026-10 are waited for and downloaded through Prism: Suno tracks, frames, masks, a 404 first', () => {
    expectAllDownloaded(
      shared.r,
      market.flatMap(t => [...t.files, ...t.extras]),
      shared.said,
      rowsOf(market)
    )
    // Two looks each: 404 "Task Not Found" (in the body of an HTTP 200, kie.ai's usual way) or
    // running at the first, done at the second.
    expect(
      market.map(t => shared.looks.filter(q => q.taskId === t.taskId).map(q => q.status))
    ).toEqual(market.map(() => [200, 200]))
  })

  it('every new Market shape and code the sandbox gives a lookup passes: 404 first, 422, running, then done, text, 408, 433 or 501', async () => {
    const failures: string[] = []
    const check = async (t: RegisteredTask, looks: number, status = 200): Promise<void> => {
      for (let n = 1; n <= looks; n++) {
        const r = await look(`${t.path}?taskId=${t.taskId}`)
        if (r.status !== status || r.type !== 'application/json') {
          failures.push(`${t.taskId} look ${n}: ${r.status} ${r.text.slice(0, 600)}`)
        }
      }
    }
    const waits = { notFoundLooks: 1, nullLooks: 1, pendingLooks: 1 }
    for (const marketResult of ['suno', 'frames', 'masks'] as const) {
      for (const spelling of ['doc', 'alt'] as const) {
        // The text-only task's answers before its ending are the successful one's: it only ends.
        await check(await contractTask('market', { spelling, marketResult, ...waits }), 4)
        const text = await contractTask('market', {
          spelling,
          outcome: 'text',
          marketResult,
          pendingLooks: 0
        })
        await check(text, 1)
      }
    }
    for (const answerCode of [408, 433, 501] as const) {
      await check(await contractTask('veo', { spelling: 'doc', answerCode, ...waits }), 4)
    }
    // The same codes as real HTTP statuses with the envelope; not 501, which Prism's proxy takes
    // for "upstream not implemented" and answers from its mock instead.
    for (const code of [400, 404, 408, 433]) {
      const t = await contractTask('market', { spelling: 'doc' })
      sandbox.inject({
        target: 'api',
        url: t.taskId,
        fault: { kind: 'code', code, httpStatus: code }
      })
      await check(t, 1, code)
    }
    expect(failures).toEqual([])
  }, 60_000)

  // kie.ai's own examples (shared/kie-task-api.md), in both spellings where sources disagree.
  it.each([
    [
      'market success',
      'market',
      ok({
        model: 'nano-banana',
        state: 'success',
        param: '{}',
        resultJson: `{"resultUrls":["${URL_A}"]}`,
        failCode: '',
        failMsg: '',
        costTime: 15000,
        completeTime: 1698765432000
      })
    ],
    [
      'market failure with message for msg',
      'market',
      {
        code: 200,
        message: 'success',
        data: {
          taskId: 't1',
          state: 'fail',
          resultJson: '',
          failCode: '422',
          failMsg: 'Invalid prompt'
        }
      }
    ],
    [
      'market failure with a numeric failCode',
      'market',
      ok({ state: 'fail', resultJson: null, failCode: 422, failMsg: 'Invalid prompt' })
    ],
    [
      'market resultJson as an object',
      'market',
      ok({
        state: 'success',
        resultJson: { resultUrls: [URL_A], resultWaterMarkUrls: [URL_A] },
        failCode: null
      })
    ],
    [
      'market text model',
      'market',
      ok({ state: 'success', resultJson: { resultObject: { text: 'hi' } } })
    ],
    [
      '4o running',
      '4o-image',
      ok({ response: null, successFlag: 0, status: 'GENERATING', progress: '0.48' })
    ],
    [
      '4o success',
      '4o-image',
      ok({
        paramJson: '{}',
        response: { resultUrls: [URL_A] },
        successFlag: 1,
        status: 'SUCCESS',
        errorCode: null,
        errorMessage: '',
        progress: '1.00'
      })
    ],
    [
      '4o success with result_urls (quickstart)',
      '4o-image',
      ok({ response: { result_urls: [URL_A] }, successFlag: 1 })
    ],
    [
      '4o failure',
      '4o-image',
      ok({
        status: 'GENERATE_FAILED',
        response: null,
        successFlag: 2,
        errorCode: 400,
        errorMessage: 'content policy'
      })
    ],
    [
      'flux-kontext failure 3',
      'flux-kontext',
      ok({ successFlag: 3, response: null, errorCode: 500, errorMessage: 'failed' })
    ],
    [
      'veo success',
      'veo',
      ok({
        response: { resultUrls: [URL_A], originUrls: [URL_A], resolution: '1080p' },
        successFlag: 1,
        errorCode: null,
        errorMessage: ''
      })
    ],
    [
      'runway success',
      'runway',
      ok({
        generateParam: { imageUrl: 'https://example.com/input.jpg' },
        state: 'success',
        videoInfo: { videoId: 'v', videoUrl: URL_A, imageUrl: URL_A },
        failCode: '',
        failMsg: '',
        expireFlag: 0
      })
    ],
    ['runway queueing', 'runway', ok({ state: 'queueing', videoInfo: null, failCode: null })],
    ['aleph running', 'aleph', ok({ response: null, successFlag: 0 })],
    [
      'aleph failed (0 with an errorMessage)',
      'aleph',
      ok({ response: null, successFlag: 0, errorCode: 400, errorMessage: 'failed' })
    ],
    [
      'luma 4 (callback failed, files exist)',
      'luma',
      ok({ successFlag: 4, response: { resultUrls: [URL_A], originUrls: [URL_A] } })
    ],
    [
      'midjourney success',
      'midjourney',
      ok({
        taskType: 'mj_txt2img',
        resultInfoJson: { resultUrls: [{ resultUrl: URL_A }] },
        successFlag: 1,
        errorCode: null,
        errorMessage: null
      })
    ],
    [
      'midjourney resultInfoJson as a string',
      'midjourney',
      ok({ resultInfoJson: JSON.stringify({ resultUrls: [{ resultUrl: URL_A }] }), successFlag: 1 })
    ],
    [
      'suno success',
      'suno',
      ok({
        param: '{}',
        status: 'SUCCESS',
        response: {
          taskId: 't1',
          sunoData: [
            {
              id: 'e231',
              audioUrl: URL_A,
              streamAudioUrl: 'https://musicfile.kie.ai/e231',
              imageUrl: URL_A,
              sourceAudioUrl: 'https://cdn1.suno.ai/a.mp3',
              title: 'song',
              duration: 154.68
            }
          ]
        },
        errorCode: null,
        errorMessage: null
      })
    ],
    [
      'suno FIRST_SUCCESS (one track not ready)',
      'suno',
      ok({
        status: 'FIRST_SUCCESS',
        response: {
          sunoData: [
            { id: 'a', audioUrl: URL_A },
            { id: 'b', audioUrl: '' }
          ]
        }
      })
    ],
    [
      'suno-wav success (successFlag)',
      'suno-wav',
      ok({ successFlag: 'SUCCESS', response: { audioWavUrl: URL_A } })
    ],
    ['suno-wav running (status)', 'suno-wav', ok({ status: 'PENDING', response: null })],
    [
      'suno-stems success',
      'suno-stems',
      ok({
        successFlag: 'SUCCESS',
        response: { originUrl: URL_A, vocalUrl: URL_A, drumsUrl: null }
      })
    ],
    [
      'suno-mp4 failure',
      'suno-mp4',
      ok({
        successFlag: 'GENERATE_MP4_FAILED',
        response: null,
        errorCode: 500,
        errorMessage: 'failed'
      })
    ],
    [
      'suno-cover success (errorCode 200)',
      'suno-cover',
      ok({ successFlag: 1, response: { images: [URL_A, URL_A] }, errorCode: 200 })
    ],
    [
      'market 2026-10: resultJson with response beside it, and successFlag',
      'market',
      ok({
        state: 'success',
        successFlag: 1,
        resultJson: `{"resultUrls":["${URL_A}"]}`,
        response: { resultUrls: [URL_A] },
        createTime: 1698765400000
      })
    ],
    [
      'market Suno tracks (snake_case)',
      'market',
      ok({
        state: 'success',
        response: {
          data: [
            {
              id: 'a',
              audio_url: URL_A,
              stream_audio_url: 'https://musicfile.kie.ai/a',
              image_url: URL_A,
              title: 'song',
              duration: 154.68
            }
          ]
        }
      })
    ],
    [
      'market Seedance 2 frames',
      'market',
      ok({
        state: 'success',
        response: { resultUrls: [URL_A], firstFrameUrl: URL_A, lastFrameUrl: URL_A }
      })
    ],
    [
      'market OmniHuman masks',
      'market',
      ok({ state: 'success', response: { resultObject: { mask_urls: [URL_A] } } })
    ],
    [
      'market Suno lyrics',
      'market',
      ok({ state: 'success', response: { resultObject: { lyricsData: [{ text: 'la la' }] } } })
    ],
    ['market pending with response null', 'market', ok({ state: 'queuing', response: null })],
    ['404 Task Not Found', 'market', { code: 404, msg: 'Task Not Found', data: null }],
    ['400 missing or invalid taskId', 'market', { code: 400, msg: 'missing or invalid taskId' }],
    ['408 no result for 10 minutes', 'market', { code: 408, msg: 'Upstream timeout' }],
    ['433 sub-key limit', 'market', { code: 433, msg: 'Sub-key usage exceeds limit' }],
    ['501 generation failed', 'market', { code: 501, msg: 'Generation failed' }],
    ['422 recordInfo is null', 'veo', { code: 422, msg: 'recordInfo is null', data: null }],
    [
      '422 14 days, with message',
      'market',
      { code: 422, message: 'Temporarily supports records within 14 days' }
    ]
  ] as Array<[string, TaskFamily, unknown]>)(
    'Prism passes a documented answer on unchanged: %s',
    async (_, type, answer) => {
      const body = JSON.stringify(answer)
      sandbox.inject({
        target: 'api',
        url: 'doc-example',
        fault: { kind: 'status', status: 200, body, contentType: 'application/json' }
      })
      const r = await look(`${TASK_PATHS[type]}?taskId=doc-example`)
      expect([r.status, r.type, r.violations]).toEqual([200, 'application/json', []])
      expect(JSON.parse(r.text)).toEqual(answer)
    }
  )
})

describe('the check has teeth for lookups', () => {
  it.each([
    [
      'a lookup without taskId',
      'GET',
      TASK_PATHS.veo,
      422,
      'UNPROCESSABLE_ENTITY',
      /required property 'taskid'/
    ],
    [
      'a lookup with task_id for taskId',
      'GET',
      `${TASK_PATHS.veo}?task_id=t1`,
      422,
      'UNPROCESSABLE_ENTITY',
      /required property 'taskid'/
    ],
    [
      'a lookup with an empty taskId',
      'GET',
      `${TASK_PATHS.suno}?taskId=`,
      422,
      'UNPROCESSABLE_ENTITY',
      /required property 'taskid'/
    ],
    [
      'a POST to a lookup endpoint',
      'POST',
      `${TASK_PATHS.market}?taskId=t1`,
      405,
      'NO_METHOD_MATCHED_ERROR',
      /does not have "post" method/
    ],
    [
      'a lookup of Suno lyrics (not files)',
      'GET',
      '/api/v1/lyrics/record-info?taskId=t1',
      404,
      'NO_PATH_MATCHED_ERROR',
      /hasn't been found/
    ]
  ] as const)(
    'Prism refuses %s and never forwards it',
    async (_, method, url, status, type, said) => {
      const r = await look(url, { method })
      expect([r.status, r.type, JSON.parse(r.text).type]).toEqual([
        status,
        'application/problem+json',
        `https://stoplight.io/prism/errors#${type}`
      ])
      const problem = JSON.parse(r.text) as { detail: string; validation?: Violation[] }
      const why = [problem.detail, ...(problem.validation ?? []).map(v => v.message)]
      expect(why.join('\n')).toMatch(said)
      expect(sandbox.requests).toEqual([])
    }
  )

  it('Prism refuses a lookup without the Authorization header with 401', async () => {
    const r = await fetch(`${prism.prismUrl}${TASK_PATHS.market}?taskId=t1`)
    expect([r.status, ((await r.json()) as { type: string }).type]).toEqual([
      401,
      'https://stoplight.io/prism/errors#UNAUTHORIZED'
    ])
    expect(sandbox.requests).toEqual([])
  })

  it.each([
    [
      'a market state no document names',
      'market',
      ok({ state: 'done' }),
      ['data', 'state'],
      'enum'
    ],
    ['a market answer without its state', 'market', ok({ resultJson: '' }), ['data'], 'required'],
    [
      'neither msg nor message',
      'veo',
      { code: 200, data: { taskId: 't1', successFlag: 0 } },
      [],
      'required'
    ],
    [
      'code 200 without a record',
      'veo',
      { code: 200, msg: 'success', data: null },
      ['data'],
      'type'
    ],
    [
      'a record that is a string',
      'veo',
      { code: 200, msg: 'success', data: URL_A },
      ['data'],
      'type'
    ],
    [
      'a numeric successFlag sent as a string',
      'veo',
      ok({ successFlag: '1' }),
      ['data', 'successFlag'],
      'type'
    ],
    [
      'Luma’s 4 from another family',
      'veo',
      ok({ successFlag: 4 }),
      ['data', 'successFlag'],
      'enum'
    ],
    [
      'a 4o result that is not a URL',
      '4o-image',
      ok({ status: 'SUCCESS', response: { resultUrls: ['not a url'] } }),
      ['data', 'response', 'resultUrls', '0'],
      'format'
    ],
    [
      'a Suno WAV record with neither successFlag nor status',
      'suno-wav',
      ok({ response: null }),
      ['data'],
      'required'
    ],
    [
      'a Midjourney result without resultUrl',
      'midjourney',
      ok({ successFlag: 1, resultInfoJson: { resultUrls: [{ url: URL_A }] } }),
      ['data', 'resultInfoJson', 'resultUrls', '0'],
      'required'
    ],
    [
      'a Suno-through-Market track whose audio_url is not a URL',
      'market',
      ok({ state: 'success', response: { data: [{ audio_url: 'a.mp3' }] } }),
      ['data', 'response'],
      'anyOf'
    ],
    [
      'a Market successFlag no document names',
      'market',
      ok({ state: 'generating', successFlag: 2 }),
      ['data', 'successFlag'],
      'enum'
    ],
    ['a body code no document names', 'market', { code: 499, msg: 'what' }, ['code'], 'enum'],
    [
      'a Suno track whose audioUrl is not a URL',
      'suno',
      ok({ status: 'SUCCESS', response: { sunoData: [{ audioUrl: 'a.mp3' }] } }),
      ['data', 'response', 'sunoData', '0', 'audioUrl'],
      'format'
    ]
  ] as Array<[string, TaskFamily, unknown, string[], string]>)(
    'a lookup answer with %s becomes Prism 500 VIOLATIONS',
    async (_, type, answer, location, rule) => {
      sandbox.inject({
        target: 'api',
        url: 'bad-answer',
        fault: {
          kind: 'status',
          status: 200,
          body: JSON.stringify(answer),
          contentType: 'application/json'
        }
      })
      const r = await look(`${TASK_PATHS[type]}?taskId=bad-answer`)
      expect(sandbox.requests.map(q => [q.path, q.status])).toEqual([[TASK_PATHS[type], 200]])
      expect([r.status, r.type]).toEqual([500, 'application/problem+json'])
      expect(r.violations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ location: ['response', 'body', ...location], code: rule })
        ])
      )
    }
  )

  it('a spec that wants the lookup another way fails the action step, and the task is never asked', async () => {
    // A throwaway copy of the spec that names the query parameter `id`, so the action's lookups break it.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kie-contract-'))
    const yaml = readFileSync(KIE_SPEC, 'utf8')
    const renamed = yaml.replace(/(\n {4}TaskId:\n {6}name: )taskId\n/, '$1id\n')
    expect(renamed).not.toBe(yaml)
    const spec = path.join(dir, 'kie-openapi.yaml')
    writeFileSync(spec, renamed)
    const strict = await startPrismProxy(sandbox.baseUrl, { spec })
    try {
      const t = await contractTask('market', { spelling: 'doc', pendingLooks: 0 })
      const r = await runThroughPrism({ 'task-ids': taskIds([t]), wait: '10' }, { proxy: strict })
      expect(r.code).toBe(1)
      expect(JSON.parse(r.outputs.tasks)).toEqual([
        expect.objectContaining({ taskId: t.taskId, state: 'failed', files: 0 })
      ])
      expect(
        strict.refusals().map(q => `${q.method} ${q.path} -> ${q.status} ${q.problem}`)
      ).toEqual([
        `GET ${TASK_PATHS.market}?taskId=${t.taskId} -> 422 Invalid request; query: Request query must have required property 'id'`
      ])
      expect(sandbox.requests).toEqual([])
    } finally {
      await strict.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('a lookup answer that breaks the spec fails the action step', async () => {
    const t = await contractTask('runway', { spelling: 'doc', pendingLooks: 0 })
    const body = JSON.stringify({
      code: 200,
      msg: 'success',
      data: { taskId: t.taskId, state: 'finished' }
    })
    sandbox.inject({
      target: 'api',
      url: t.taskId,
      times: Infinity,
      fault: { kind: 'status', status: 200, body, contentType: 'application/json' }
    })
    const r = await runThroughPrism({ 'task-ids': taskIds([t]), wait: '0' })
    expect(r.code).toBe(1)
    expect(JSON.parse(r.outputs.tasks)).toEqual([
      expect.objectContaining({ taskId: t.taskId, state: 'timeout', files: 0 })
    ])
    expect(JSON.parse(r.outputs.tasks)[0].error).toMatch(/answered 500: kie\.ai server error/)
    expect(prismRefusals()).toEqual([
      expect.stringMatching(
        /^GET .* -> 500 Request\/Response not valid; .*data\.state: .*allowed values/
      )
    ])
  }, 30_000)
})
