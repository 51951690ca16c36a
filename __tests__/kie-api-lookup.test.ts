import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { Http } from '../src/util/http.js'
import { isRecordMissing, isTaskEnded } from '../src/errors.js'
import { KieApi } from '../src/resolve/kie-api.js'
import { FAMILY_NAMES, type FamilyName } from '../src/constants.js'
import { FAMILIES } from '../src/tasks/families.js'
import { TaskWatcher, type TaskOutcome } from '../src/tasks/watch.js'
import { Sandbox } from '../sandbox/index.ts'
import type { RegisterTaskOptions, TaskFile } from '../sandbox/types.ts'
import { captureStdout, failure } from './helpers/capture.js'
import { VIRTUAL_EPOCH, VirtualClock } from './helpers/virtual-clock.js'

const API = 'https://api.kie.ai'
const PATH = '/api/v1/jobs/recordInfo'
const http = new Http(5_000)
const api = new KieApi(API, 'sk-key', http, 5_000)

afterEach(() => {
  nock.cleanAll()
})
afterAll(() => http.dispose())

describe('KieApi.lookup', () => {
  it('GETs the path with the encoded taskId and the Bearer key, and returns data', async () => {
    const data = { taskId: 'a b/c', state: 'generating' }
    nock(API)
      .matchHeader('authorization', 'Bearer sk-key')
      .matchHeader('user-agent', /^kie-download-action\//)
      .get(PATH)
      .query({ taskId: 'a b/c' })
      .reply(200, { code: 200, msg: 'success', data })
    await expect(api.lookup(PATH, 'a b/c')).resolves.toEqual(data)
  })

  it('reads `message` where the Market page writes it instead of `msg`', async () => {
    nock(API)
      .get(PATH)
      .query(true)
      .reply(200, { code: 200, message: 'success', data: { a: 1 } })
    await expect(api.lookup(PATH, 't')).resolves.toEqual({ a: 1 })
    nock(API).get(PATH).query(true).reply(200, { code: 505, message: 'Feature disabled today' })
    expect((await failure(api.lookup(PATH, 't'))).message).toMatch(/"Feature disabled today"/)
  })

  it.each([
    [200, 'record is null'],
    [200, 'recordInfo is null'],
    [422, 'recordInfo is null']
  ])('HTTP %i with 422 "%s" is a RecordMissingError', async (status, msg) => {
    nock(API).get(PATH).query(true).reply(status, { code: 422, msg, data: null })
    const e = await failure(api.lookup(PATH, 't'))
    expect(isRecordMissing(e)).toBe(true)
    expect(e.retryable).toBe(false)
    expect(e.message).toMatch(/task details \(\/api\/v1\/jobs\/recordInfo\) answered 422/)
  })

  it.each([200, 404])(
    'HTTP %i with body code 404 "Task Not Found" is a RecordMissingError saying so',
    async status => {
      nock(API).get(PATH).query(true).reply(status, { code: 404, msg: 'Task Not Found' })
      const e = await failure(api.lookup(PATH, 't'))
      expect(isRecordMissing(e)).toBe(true)
      expect((e as unknown as { answer: string }).answer).toBe('404 "Task Not Found"')
      expect(e.message).toMatch(/answered 404.*: task not found: "Task Not Found"/)
    }
  )

  it('a bare HTTP 404 without kie.ai’s envelope points at base-url, not at the task', async () => {
    nock(API).get(PATH).query(true).reply(404, '<html>Not Found</html>')
    const e = await failure(api.lookup(PATH, 't'))
    expect(isRecordMissing(e)).toBe(false)
    expect(e.retryable).toBe(false)
    expect(e.message).toMatch(/answered 404: .*check base-url/)
  })

  it.each([
    ['HTTP 200, body 408', 200, 408, /answered 408: no result from upstream for over 10 minutes/],
    ['HTTP 408, body 408', 408, 408, /answered 408: no result from upstream/],
    ['HTTP 200, body 501', 200, 501, /answered 501: generation failed: "Generation failed"/],
    ['HTTP 503, body 501', 503, 501, /answered 501 \(HTTP 503\): generation failed/]
  ])('%s ends the task: final, with kie.ai’s message', async (_, status, code, message) => {
    nock(API).get(PATH).query(true).reply(status, { code, msg: 'Generation failed' })
    const e = await failure(api.lookup(PATH, 't'))
    expect([isTaskEnded(e), e.retryable, e.stopAll, isRecordMissing(e)]).toEqual([
      true,
      false,
      false,
      false
    ])
    expect(e.message).toMatch(message)
  })

  it('an HTTP 408 without kie.ai’s envelope is a timeout on the way: retryable, the task goes on', async () => {
    nock(API).get(PATH).query(true).reply(408, 'Request Timeout')
    const e = await failure(api.lookup(PATH, 't'))
    expect([isTaskEnded(e), e.retryable]).toEqual([false, true])
  })

  it('433 stops the run, naming the sub-key limit', async () => {
    nock(API).get(PATH).query(true).reply(200, { code: 433, msg: 'Sub-key usage exceeds limit' })
    const e = await failure(api.lookup(PATH, 't'))
    expect([e.stopAll, e.retryable, isTaskEnded(e)]).toEqual([true, false, false])
    expect(e.message).toMatch(/answered 433: sub-key limit exceeded.*"Sub-key usage exceeds limit"/)
  })

  it('400 says the task ID is missing or not valid', async () => {
    nock(API).get(PATH).query(true).reply(400, { code: 400, msg: 'missing or invalid taskId' })
    const e = await failure(api.lookup(PATH, 't'))
    expect(e.retryable).toBe(false)
    expect(e.message).toBe(
      'kie.ai task details (/api/v1/jobs/recordInfo) answered 400: the task ID is missing or not valid (check task-ids): "missing or invalid taskId"'
    )
  })

  it('another 422 (older than 14 days) is final and not "missing"', async () => {
    nock(API)
      .get(PATH)
      .query(true)
      .reply(200, { code: 422, msg: 'Temporarily supports records within 14 days' })
    const e = await failure(api.lookup(PATH, 't'))
    expect(isRecordMissing(e)).toBe(false)
    expect(e.retryable).toBe(false)
  })

  it('classifies 401 as stop-all and 500 as retryable, as resolve does', async () => {
    nock(API).get(PATH).query(true).reply(200, { code: 401, msg: 'no' })
    expect((await failure(api.lookup(PATH, 't'))).stopAll).toBe(true)
    nock(API).get(PATH).query(true).reply(500, { code: 500, msg: 'busy' }, { 'retry-after': '2' })
    const e = await failure(api.lookup(PATH, 't'))
    expect([e.retryable, e.retryAfterMs, isRecordMissing(e)]).toEqual([true, 2000, false])
  })

  it('refuses an answer larger than 1 MiB', async () => {
    nock(API)
      .get(PATH)
      .query(true)
      .reply(200, JSON.stringify({ code: 200, msg: 'x'.repeat(1024 * 1024), data: {} }))
    expect((await failure(api.lookup(PATH, 't'))).message).toMatch(/larger than 1048576 bytes/)
  })
})

describe('lookups against the sandbox, read by the family adapters', () => {
  let sandbox: Sandbox
  let local: KieApi
  const localHttp = new Http(5_000)

  beforeAll(async () => {
    sandbox = await Sandbox.start()
    local = new KieApi(sandbox.baseUrl, sandbox.apiKey, localHttp, 5_000)
  })
  afterAll(async () => {
    localHttp.dispose()
    await sandbox.close()
  })
  afterEach(() => {
    sandbox.clearFaults()
    sandbox.clearRequests()
  })

  const MAIN_COUNT: Partial<Record<FamilyName, number>> = {
    '4o-image': 2,
    midjourney: 4,
    suno: 2,
    'suno-stems': 3
  }
  const EXTRA_COUNT: Partial<Record<FamilyName, number>> = {
    market: 1,
    'flux-kontext': 1,
    veo: 1,
    runway: 1,
    aleph: 1,
    luma: 1,
    suno: 4,
    'suno-stems': 1
  }

  /** Registers a task and waits for it through the real lookup, on virtual time. */
  async function waitFor(options: RegisterTaskOptions): Promise<TaskOutcome> {
    const watcher = new TaskWatcher({
      lookup: (type, taskId) => local.lookup(FAMILIES[type].path, taskId),
      clock: VirtualClock.instant({ start: VIRTUAL_EPOCH }),
      deadline: VIRTUAL_EPOCH + 900_000,
      signal: new AbortController().signal
    })
    return watcher.watch({ taskId: options.taskId, type: options.type })
  }

  const files = (type: string, kind: string, n: number): TaskFile[] =>
    Array.from({ length: n }, (_, i) => ({
      url: `https://tempfile.aiquickdraw.com/${type}/${kind}-${i}.${kind === 'main' ? 'mp4' : 'jpg'}`,
      size: 100
    }))

  const everyFamily = FAMILY_NAMES.flatMap(type =>
    (['doc', 'alt'] as const).map(spelling => [type, spelling] as const)
  )

  it.each(everyFamily)(
    '%s (%s spelling): 422 at first, pending, then the main files and the extras',
    async (type, spelling) => {
      const taskId = `ok-${type}-${spelling}`
      const main = files(type, 'main', MAIN_COUNT[type] ?? 1)
      const extras = files(type, 'extra', EXTRA_COUNT[type] ?? 0)
      const task = await sandbox.registerTask({
        type,
        taskId,
        nullLooks: 1,
        pendingLooks: 3,
        files: main,
        extras,
        spelling
      })
      await expect(waitFor({ type, taskId })).resolves.toMatchObject({
        state: 'success',
        main: main.map(f => f.url),
        extras: extras.map(f => f.url)
      })
      const looks = sandbox.requests.filter(r => r.query.taskId === taskId)
      expect(looks).toHaveLength(5)
      for (const look of looks) {
        expect(look).toMatchObject({ method: 'GET', path: task.path, taskId, status: 200 })
        expect(look.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`)
      }
    }
  )

  it.each(everyFamily)(
    "%s (%s spelling): a failure carries kie.ai's reason",
    async (type, spelling) => {
      const taskId = `fail-${type}-${spelling}`
      await sandbox.registerTask({
        type,
        taskId,
        pendingLooks: 1,
        outcome: 'fail',
        failMsg: 'prompt flagged',
        spelling
      })
      const outcome = await waitFor({ type, taskId })
      expect(outcome).toMatchObject({ state: 'failed' })
      expect((outcome as { error: string }).error).toMatch(/^prompt flagged \(code 4\d\d, /)
    }
  )

  it('a text-only Market task finishes with no file', async () => {
    await sandbox.registerTask({ type: 'market', taskId: 'text-1', outcome: 'text' })
    await expect(waitFor({ type: 'market', taskId: 'text-1' })).resolves.toMatchObject({
      state: 'failed',
      error:
        'finished, but produced no file to download: its result is text (resultObject), not a file'
    })
  })

  it.each([
    ['snake_case', 'doc'],
    ['camelCase', 'alt']
  ] as const)(
    'Suno through Market (%s): tracks are the main files, covers and streams the extras',
    async (_, spelling) => {
      const taskId = `suno-market-${spelling}`
      const main = files('sm', 'main', 2)
      const extras = files('sm', 'extra', 4)
      await sandbox.registerTask({
        type: 'market',
        taskId,
        marketResult: 'suno',
        pendingLooks: 1,
        files: main,
        extras,
        spelling
      })
      await expect(waitFor({ type: 'market', taskId })).resolves.toMatchObject({
        state: 'success',
        main: main.map(f => f.url),
        extras: extras.map(f => f.url),
        createdAt: 1_700_000_000_000
      })
    }
  )

  it.each([
    ['frames', 1, 2],
    ['masks', 2, 0]
  ] as const)('Market %s: read from the model’s own fields', async (marketResult, n, x) => {
    const taskId = `market-${marketResult}`
    const main = files(marketResult, 'main', n)
    const extras = files(marketResult, 'extra', x)
    await sandbox.registerTask({ type: 'market', taskId, marketResult, files: main, extras })
    await expect(waitFor({ type: 'market', taskId })).resolves.toMatchObject({
      state: 'success',
      main: main.map(f => f.url),
      extras: extras.map(f => f.url)
    })
  })

  it('Suno lyrics through Market finish with no file, and say they are lyrics', async () => {
    await sandbox.registerTask({
      type: 'market',
      taskId: 'lyrics-1',
      marketResult: 'suno',
      outcome: 'text'
    })
    await expect(waitFor({ type: 'market', taskId: 'lyrics-1' })).resolves.toMatchObject({
      state: 'failed',
      error:
        'finished, but produced no file to download: its result is lyrics (resultObject), not a file'
    })
  })

  it('404 "Task Not Found" at the first looks, then the task: found and read', async () => {
    const main = files('nf', 'main', 1)
    await sandbox.registerTask({ type: 'market', taskId: 'nf-1', notFoundLooks: 2, files: main })
    sandbox.inject({
      target: 'api',
      url: 'nf-1',
      fault: { kind: 'code', code: 404, httpStatus: 404 }
    })
    await expect(waitFor({ type: 'market', taskId: 'nf-1' })).resolves.toMatchObject({
      state: 'success',
      main: main.map(f => f.url)
    })
    const looks = sandbox.requests.filter(r => r.taskId === 'nf-1').map(r => r.status)
    expect(looks).toEqual([404, 200, 200, 200])
  })

  it.each([
    [408, 'Upstream service has not returned results for more than 10 minutes'],
    [501, 'Generation failed']
  ] as const)(
    'a task that ends in %i fails at that look with kie.ai’s message',
    async (code, msg) => {
      const taskId = `ended-${code}`
      await sandbox.registerTask({ type: 'veo', taskId, pendingLooks: 1, answerCode: code })
      const outcome = await waitFor({ type: 'veo', taskId })
      expect(outcome).toMatchObject({ state: 'failed', ms: 3000 })
      expect((outcome as { error: string }).error).toMatch(
        /^kie\.ai task details \(\/api\/v1\/veo\/record-info\) answered/
      )
      expect((outcome as { error: string }).error).toContain(`answered ${code}: `)
      expect((outcome as { error: string }).error).toContain(`"${msg}"`)
    }
  )

  it('433 from a lookup rejects the watch with a stop-all error', async () => {
    await sandbox.registerTask({ type: 'market', taskId: 'limit-1', answerCode: 433 })
    const e = await failure(waitFor({ type: 'market', taskId: 'limit-1' }))
    expect(e.stopAll).toBe(true)
    expect(e.message).toMatch(/sub-key limit/)
  })

  it("a task asked at another family's endpoint is not found after the grace period", async () => {
    await sandbox.registerTask({ type: 'veo', taskId: 'veo-1', files: files('veo', 'main', 1) })
    const outcome = await waitFor({ type: 'runway', taskId: 'veo-1' })
    expect(outcome).toMatchObject({ state: 'failed', ms: 90_000 })
    expect((outcome as { error: string }).error).toMatch(
      /^not found: kie.ai answered 422 "record is null".*another family than runway/
    )
  })

  it('faults injected for a taskId hit its lookups, and a retryable one is looked at again', async () => {
    await sandbox.registerTask({ type: 'suno-wav', taskId: 'w1', files: files('wav', 'main', 1) })
    sandbox.inject({ target: 'api', url: 'w1', fault: { kind: 'code', code: 500 } })
    sandbox.inject({ target: 'api', url: 'w1', fault: { kind: 'reset' } })
    await expect(waitFor({ type: 'suno-wav', taskId: 'w1' })).resolves.toMatchObject({
      state: 'success'
    })
    expect(sandbox.requests.map(r => r.fault)).toEqual(['code', 'reset', undefined])
  })

  it('the gpt4o-image endpoint accepts a 4o result with its taskId', async () => {
    const task = await sandbox.registerTask({
      type: '4o-image',
      taskId: 'task-4o',
      files: files('4o', 'main', 1)
    })
    expect(task.files[0].taskId).toBe('task-4o')
    // resolve masks the signed URL: keep the runner command out of the test output.
    const out = captureStdout()
    const signed = await local
      .resolve({ url: task.files[0].url, taskId: 'task-4o', endpoint: 'gpt4o-image' })
      .finally(out.restore)
    expect(out.writes.join('')).toContain('::add-mask::')
    expect(signed.startsWith(sandbox.fileBaseUrl)).toBe(true)
  })
})
