// Contract check: the bundled action talks to the sandbox through Prism, which refuses any request or response that breaks sandbox/kie-openapi.yaml.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { COMMON_PATH, GPT4O_PATH, type RegisteredFile, Sandbox } from '../sandbox/index.ts'
import { type PrismProxy, startPrismProxy } from '../scripts/prism.ts'
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
}, 60_000)

afterAll(async () => {
  await prism?.close()
  await sandbox?.close()
})

afterEach(() => {
  sandbox.clearFaults()
  sandbox.clearRequests()
  logFrom = prism.log().length
  refusalsFrom = prism.refusals().length
})

/** Prism's log lines since the test began that say it refused or flagged something. */
function prismComplaints(): string[] {
  return prism
    .log()
    .slice(logFrom)
    .split('\n')
    .filter(line => /\b(error|warning|fatal)\b|violation/i.test(line))
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
function runThroughPrism(inputs: Record<string, string>): Promise<DistRun> {
  return runDist({
    'api-key': sandbox.apiKey,
    'base-url': prism.url,
    retries: '0',
    timeout: '5',
    ...inputs
  })
}

function expectAllDownloaded(r: DistRun, expected: RegisteredFile[]): void {
  // All three together, so a broken contract shows what was sent and which rule it broke.
  expect({ code: r.code, refusals: prismRefusals(), complaints: prismComplaints() }).toEqual({
    code: 0,
    refusals: [],
    complaints: []
  })
  expect(r.files.map(f => [f.url, f.status, f.error, f.sha256])).toEqual(
    expected.map(e => [e.url, 'downloaded', null, e.sha256])
  )
  for (const f of r.files) {
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
