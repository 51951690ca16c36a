// The kie.ai sandbox behaves as kie.ai's documents and the observed notes say.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import http from 'node:http'
import { Sandbox, type RegisteredFile } from '../sandbox/index.ts'

const COMMON = '/api/v1/common/download-url'
const GPT4O = '/api/v1/gpt4o-image/download-url'
const IMAGE_URL = 'https://tempfile.aiquickdraw.com/v/test-image.png'
const VIDEO_URL = 'https://tempfile.aiquickdraw.com/p/0a1b2c3d.mp4'
const AUDIO_URL = 'https://musicfile.kie.ai/s/dGVzdC1hdWRpbw'

interface ApiAnswer {
  status: number
  headers: Headers
  json: { code: number; msg: string; data: string | null }
}

async function callApi(
  sb: Sandbox,
  body: unknown,
  options: { path?: string; key?: string | null; method?: string } = {}
): Promise<ApiAnswer> {
  const key = options.key === undefined ? sb.apiKey : options.key
  const res = await fetch(`${sb.baseUrl}${options.path ?? COMMON}`, {
    method: options.method ?? 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(key === null ? {} : { Authorization: `Bearer ${key}` })
    },
    body:
      options.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  expect(res.headers.get('content-type')).toBe('application/json')
  return { status: res.status, headers: res.headers, json: (await res.json()) as ApiAnswer['json'] }
}

async function signedUrlFor(sb: Sandbox, url: string): Promise<string> {
  const { status, json } = await callApi(sb, { url })
  expect(status).toBe(200)
  expect(json.code).toBe(200)
  return json.data as string
}

/** Read a body to the end or to its failure, hashing what arrived. */
async function drain(res: Response) {
  const hash = createHash('sha256')
  const chunks: Buffer[] = []
  let bytes = 0
  let error: unknown
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length
      hash.update(chunk)
      if (bytes <= 1024 * 1024) chunks.push(Buffer.from(chunk))
    }
  } catch (e) {
    error = e
  }
  return { bytes, error, sha256: hash.digest('hex'), head: Buffer.concat(chunks) }
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of stream) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function withParam(signed: string, name: string, value: string): string {
  const url = new URL(signed)
  url.searchParams.set(name, value)
  return url.toString()
}

describe('kie.ai sandbox', () => {
  let sb: Sandbox
  let clockOffset = 0
  let image: RegisteredFile
  let video: RegisteredFile
  let audio: RegisteredFile

  beforeAll(async () => {
    sb = await Sandbox.start({ now: () => Date.now() + clockOffset })
    image = await sb.register({ url: IMAGE_URL, size: 3 * 1024 * 1024 + 123 })
    video = await sb.register({ url: VIDEO_URL, size: 300_000, taskId: 'task-video-1' })
    audio = await sb.register({ url: AUDIO_URL, size: 50_000, contentType: 'audio/mpeg' })
  })
  afterEach(() => {
    sb.clearFaults()
    sb.setLatency({ apiMs: 0, fileMs: 0 })
    clockOffset = 0
  })
  afterAll(() => sb.close())

  describe('download-url API', () => {
    it('signs a URL that downloads the exact bytes of a multi-MiB file', async () => {
      const signed = await signedUrlFor(sb, IMAGE_URL)
      const url = new URL(signed)
      expect(`${url.protocol}//${url.host}`).toBe(sb.fileBaseUrl)
      expect(url.pathname).toBe(`/${image.objectPath}`)
      expect(url.pathname).toMatch(/^\/v\/[0-9a-f]+\/test-image\.png$/)
      expect([...url.searchParams.keys()]).toEqual([
        'X-Amz-Algorithm',
        'X-Amz-Date',
        'X-Amz-SignedHeaders',
        'X-Amz-Expires',
        'X-Amz-Credential',
        'X-Amz-Signature'
      ])
      expect(signed).toMatch(
        /X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=\d{8}T\d{6}Z&X-Amz-SignedHeaders=host&X-Amz-Expires=1200&X-Amz-Credential=[0-9a-f]{32}%2F\d{8}%2Fauto%2Fs3%2Faws4_request&X-Amz-Signature=[0-9a-f]{64}$/
      )

      const res = await fetch(signed)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-length')).toBe(String(image.size))
      expect(res.headers.get('content-type')).toBe('image/png')
      expect(res.headers.get('etag')).toBe(image.etag)
      expect(res.headers.get('accept-ranges')).toBe('bytes')
      expect(res.headers.get('last-modified')).toMatch(/GMT$/)
      const body = await drain(res)
      expect(body.error).toBeUndefined()
      expect(body.bytes).toBe(image.size)
      expect(body.sha256).toBe(image.sha256)
      expect(await sha256Of(sb.contentOf(IMAGE_URL))).toBe(image.sha256)
      // A real PNG signature, so content sniffing agrees with the header.
      expect(body.head.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    })

    it('keeps the name of an extension-less URL and its registered type', async () => {
      expect(audio.objectPath).toMatch(/\/dGVzdC1hdWRpbw$/)
      const res = await fetch(await signedUrlFor(sb, AUDIO_URL))
      expect(res.headers.get('content-type')).toBe('audio/mpeg')
      expect((await drain(res)).sha256).toBe(audio.sha256)
      expect(video.contentType).toBe('video/mp4')
    })

    it('answers 401 in the body for a missing or wrong key', async () => {
      for (const key of [null, 'sk-wrong']) {
        const { status, json } = await callApi(sb, { url: IMAGE_URL }, { key })
        expect(status).toBe(200)
        expect(json).toEqual({ code: 401, msg: expect.any(String), data: null })
      }
    })

    it('answers 422 for a URL kie.ai did not generate', async () => {
      const { status, json } = await callApi(sb, { url: 'https://example.com/cat.png' })
      expect(status).toBe(200)
      expect(json.code).toBe(422)
      expect(json.msg).toBe('Invalid URL (External file URLs are not supported)')
      expect(json.data).toBeNull()
    })

    it('answers 422 with a clear message for bodies that are not {"url": string}', async () => {
      const cases: [unknown, RegExp][] = [
        ['not json', /must be JSON/],
        [[IMAGE_URL], /JSON object/],
        [{}, /url is required/],
        [{ url: 42 }, /url must be a string/],
        [{ url: 'tempfile.aiquickdraw.com/v/x.png' }, /http\(s\) URL/]
      ]
      for (const [body, msg] of cases) {
        const { json } = await callApi(sb, body)
        expect(json.code).toBe(422)
        expect(json.msg).toMatch(msg)
      }
    })

    it('requires on the 4o endpoint the taskId that owns the url', async () => {
      const ok = await callApi(sb, { taskId: 'task-video-1', url: VIDEO_URL }, { path: GPT4O })
      expect(ok.json.code).toBe(200)
      expect(ok.json.data).toContain('/0a1b2c3d.mp4?')
      const wrong = await callApi(sb, { taskId: 'task-other', url: VIDEO_URL }, { path: GPT4O })
      expect(wrong.json).toEqual({ code: 422, msg: 'record is null', data: null })
      const missing = await callApi(sb, { url: VIDEO_URL }, { path: GPT4O })
      expect(missing.json).toMatchObject({ code: 422, msg: 'taskId is required' })
      // A file registered without a taskId accepts any.
      const any = await callApi(sb, { taskId: 'whatever', url: IMAGE_URL }, { path: GPT4O })
      expect(any.json.code).toBe(200)
    })

    it('answers unknown paths with 404 and other methods with 405', async () => {
      const notFound = await callApi(sb, { url: IMAGE_URL }, { path: '/api/v1/nope' })
      expect(notFound.json.code).toBe(404)
      const wrongMethod = await callApi(sb, undefined, { method: 'GET' })
      expect(wrongMethod.json.code).toBe(405)
      expect(wrongMethod.headers.get('allow')).toBe('POST')
    })

    it('keeps connections alive between calls', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      const post = () =>
        new Promise<boolean>((resolve, reject) => {
          const req = http.request(
            `${sb.baseUrl}${COMMON}`,
            { method: 'POST', agent, headers: { Authorization: `Bearer ${sb.apiKey}` } },
            res => {
              res.resume()
              res.on('end', () => resolve(req.reusedSocket))
            }
          )
          req.on('error', reject)
          req.end(JSON.stringify({ url: IMAGE_URL }))
        })
      expect(await post()).toBe(false)
      expect(await post()).toBe(true)
      agent.destroy()
    })
  })

  describe('file host', () => {
    it('serves byte ranges as 206 and unsatisfiable ones as 416', async () => {
      const signed = await signedUrlFor(sb, VIDEO_URL)
      const whole = await bytesOf(sb.contentOf(VIDEO_URL))
      const cases: [string, number, number][] = [
        ['bytes=0-99', 0, 99],
        ['bytes=299990-', 299_990, 299_999],
        ['bytes=-16', 299_984, 299_999],
        ['bytes=1000-9999999', 1000, 299_999]
      ]
      for (const [range, start, end] of cases) {
        const res = await fetch(signed, { headers: { Range: range } })
        expect(res.status).toBe(206)
        expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/300000`)
        expect(res.headers.get('content-length')).toBe(String(end - start + 1))
        expect(Buffer.from(await res.arrayBuffer())).toEqual(whole.subarray(start, end + 1))
      }
      const bad = await fetch(signed, { headers: { Range: 'bytes=300000-' } })
      expect(bad.status).toBe(416)
      expect(bad.headers.get('content-range')).toBe('bytes */300000')
      expect(await bad.text()).toContain('<Code>InvalidRange</Code>')
    })

    it('answers HEAD with the headers of GET and no body', async () => {
      const res = await fetch(await signedUrlFor(sb, IMAGE_URL), { method: 'HEAD' })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-length')).toBe(String(image.size))
      expect(res.headers.get('etag')).toBe(image.etag)
      expect(await res.text()).toBe('')
    })

    it('refuses a URL whose query was changed or extended with 403 SignatureDoesNotMatch', async () => {
      const signed = await signedUrlFor(sb, IMAGE_URL)
      for (const tampered of [
        withParam(signed, 'X-Amz-Expires', '604800'),
        withParam(signed, 'response-content-type', 'text/html'),
        signed.replace(/test-image\.png/, 'other.png')
      ]) {
        const res = await fetch(tampered)
        expect(res.status).toBe(403)
        expect(res.headers.get('content-type')).toBe('application/xml')
        expect(await res.text()).toMatch(
          /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>SignatureDoesNotMatch<\/Code><Message>/
        )
      }
    })

    it('answers 400 for missing signature parameters and 403 with none', async () => {
      const signed = new URL(await signedUrlFor(sb, IMAGE_URL))
      signed.searchParams.delete('X-Amz-Signature')
      const partial = await fetch(signed)
      expect(partial.status).toBe(400)
      expect(await partial.text()).toContain('<Code>AuthorizationQueryParametersError</Code>')
      const none = await fetch(`${sb.fileBaseUrl}/${image.objectPath}`)
      expect(none.status).toBe(403)
      expect(await none.text()).toContain('<Code>AccessDenied</Code>')
    })

    it('refuses an Authorization header with 400 InvalidArgument and logs it', async () => {
      const signed = await signedUrlFor(sb, IMAGE_URL)
      sb.clearRequests()
      const res = await fetch(signed, { headers: { Authorization: `Bearer ${sb.apiKey}` } })
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('<Code>InvalidArgument</Code>')
      expect(sb.requests).toHaveLength(1)
      expect(sb.requests[0]).toMatchObject({ target: 'file', status: 400, url: IMAGE_URL })
      expect(sb.requests[0].headers.authorization).toBe(`Bearer ${sb.apiKey}`)
    })

    it('expires signed URLs after X-Amz-Expires by the sandbox clock', async () => {
      const signed = await signedUrlFor(sb, VIDEO_URL)
      clockOffset = 1199 * 1000
      expect((await fetch(signed, { method: 'HEAD' })).status).toBe(200)
      clockOffset = 1201 * 1000
      const res = await fetch(signed)
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('<Code>ExpiredRequest</Code>')
      // The cure is a fresh URL from the API.
      expect((await fetch(await signedUrlFor(sb, VIDEO_URL), { method: 'HEAD' })).status).toBe(200)
    })
  })

  describe('faults', () => {
    it('code: answers a kie envelope with Retry-After, in the body or as the HTTP status', async () => {
      sb.inject({ target: 'api', fault: { kind: 'code', code: 429, retryAfter: '3' } })
      sb.inject({ target: 'api', fault: { kind: 'code', code: 500, msg: 'boom', httpStatus: 500 } })
      const first = await callApi(sb, { url: IMAGE_URL })
      expect(first.status).toBe(200)
      expect(first.headers.get('retry-after')).toBe('3')
      expect(first.json).toEqual({ code: 429, msg: 'Rate limit exceeded', data: null })
      const second = await callApi(sb, { url: IMAGE_URL })
      expect(second.status).toBe(500)
      expect(second.json).toEqual({ code: 500, msg: 'boom', data: null })
      expect((await callApi(sb, { url: IMAGE_URL })).json.code).toBe(200)
    })

    it('status: answers a raw HTTP status, on the API or the file host', async () => {
      sb.inject({ target: 'api', fault: { kind: 'status', status: 503, retryAfter: '1' } })
      const api = await fetch(`${sb.baseUrl}${COMMON}`, { method: 'POST', body: '{}' })
      expect(api.status).toBe(503)
      expect(api.headers.get('retry-after')).toBe('1')
      await api.text()

      const signed = await signedUrlFor(sb, IMAGE_URL)
      sb.inject({
        target: 'file',
        url: IMAGE_URL,
        fault: { kind: 'status', status: 403, body: 'error code: 1010' }
      })
      const file = await fetch(signed)
      expect(file.status).toBe(403)
      expect(file.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(await file.text()).toBe('error code: 1010')
    })

    it('reset: destroys the socket before any answer', async () => {
      sb.inject({ target: 'api', fault: { kind: 'reset' } })
      await expect(callApi(sb, { url: IMAGE_URL })).rejects.toThrow()
      expect(sb.requests.at(-1)?.fault).toBe('reset')
      expect(sb.requests.at(-1)?.status).toBeUndefined()
    })

    // A reset may drop bytes the client had not read yet; a clean close delivers all of them.
    it.each([
      ['reset', 0],
      ['close', 100_000]
    ] as const)('cut (%s): stops mid-body after full headers', async (mode, atLeast) => {
      const signed = await signedUrlFor(sb, IMAGE_URL)
      sb.inject({ target: 'file', fault: { kind: 'cut', afterBytes: 100_000, mode } })
      const res = await fetch(signed)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-length')).toBe(String(image.size))
      const body = await drain(res)
      expect(body.error).toBeDefined()
      expect(body.bytes).toBeLessThanOrEqual(100_000)
      expect(body.bytes).toBeGreaterThanOrEqual(atLeast)
    })

    it('stall: goes silent for ms, before the API answer or mid-body on the file host', async () => {
      sb.inject({ target: 'api', fault: { kind: 'stall', ms: 150 } })
      let started = Date.now()
      const signed = await signedUrlFor(sb, VIDEO_URL)
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)

      sb.inject({ target: 'file', fault: { kind: 'stall', afterBytes: 1000, ms: 150 } })
      started = Date.now()
      const body = await drain(await fetch(signed))
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
      expect(body.sha256).toBe(video.sha256)
    })

    it('expired: hands out a signed URL that is already past its lifetime', async () => {
      sb.inject({ target: 'api', fault: { kind: 'expired' } })
      const res = await fetch(await signedUrlFor(sb, IMAGE_URL))
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('<Code>ExpiredRequest</Code>')
    })

    it('badSignature: hands out a signed URL the file host refuses', async () => {
      sb.inject({ target: 'api', fault: { kind: 'badSignature' } })
      const signed = await signedUrlFor(sb, IMAGE_URL)
      expect(signed).toMatch(/X-Amz-Signature=[0-9a-f]{64}$/)
      const res = await fetch(signed)
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    })

    it('redirect: answers 302 with a Location', async () => {
      const signed = await signedUrlFor(sb, IMAGE_URL)
      sb.inject({ target: 'file', fault: { kind: 'redirect', location: 'http://127.0.0.1:9/x' } })
      const res = await fetch(signed, { redirect: 'manual' })
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('http://127.0.0.1:9/x')
    })

    it('signedUrl: answers code 200 with exactly the given data', async () => {
      sb.inject({ target: 'api', fault: { kind: 'signedUrl', data: 'javascript:alert(1)' } })
      const { json } = await callApi(sb, { url: IMAGE_URL })
      expect(json).toEqual({ code: 200, msg: 'success', data: 'javascript:alert(1)' })
    })

    it('matches by url, counts down times, and keeps injection order', async () => {
      sb.inject({ target: 'api', url: VIDEO_URL, times: 2, fault: { kind: 'code', code: 500 } })
      sb.inject({ target: 'api', fault: { kind: 'code', code: 455 } })
      expect((await callApi(sb, { url: VIDEO_URL })).json.code).toBe(500)
      expect((await callApi(sb, { url: IMAGE_URL })).json.code).toBe(455)
      expect((await callApi(sb, { url: VIDEO_URL })).json.code).toBe(500)
      expect((await callApi(sb, { url: VIDEO_URL })).json.code).toBe(200)
      sb.inject({ target: 'api', times: Infinity, fault: { kind: 'code', code: 505 } })
      for (let i = 0; i < 3; i++)
        expect((await callApi(sb, { url: IMAGE_URL })).json.code).toBe(505)
    })

    it('refuses rules that could never apply', () => {
      expect(() => sb.inject({ target: 'file', fault: { kind: 'code', code: 500 } })).toThrow(
        /api only/
      )
      expect(() => sb.inject({ target: 'api', times: 0, fault: { kind: 'reset' } })).toThrow(
        RangeError
      )
    })

    it('latency: delays every API answer', async () => {
      sb.setLatency({ apiMs: 120 })
      const started = Date.now()
      await callApi(sb, { url: IMAGE_URL })
      expect(Date.now() - started).toBeGreaterThanOrEqual(110)
    })
  })

  it('logs every request on arrival, with what the call was about and its answer', async () => {
    sb.clearRequests()
    sb.inject({ target: 'api', fault: { kind: 'stall', ms: 1 } })
    const signed = await signedUrlFor(sb, IMAGE_URL)
    await (await fetch(signed, { headers: { Range: 'bytes=0-9' } })).arrayBuffer()
    const [api, file] = sb.requests
    expect(sb.requests).toHaveLength(2)
    expect(api).toMatchObject({
      target: 'api',
      method: 'POST',
      path: COMMON,
      query: {},
      body: { url: IMAGE_URL },
      url: IMAGE_URL,
      status: 200,
      fault: 'stall'
    })
    expect(api.headers.authorization).toBe(`Bearer ${sb.apiKey}`)
    expect(file).toMatchObject({
      target: 'file',
      method: 'GET',
      path: `/${image.objectPath}`,
      url: IMAGE_URL,
      status: 206
    })
    expect(file.query['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256')
    expect(file.headers.authorization).toBeUndefined()
    expect(file.headers.range).toBe('bytes=0-9')
    expect(file.at).toBeGreaterThanOrEqual(api.at)
  })
})

describe('kie.ai sandbox variants', () => {
  it("errorStyle 'http' answers errors with the code as HTTP status, same envelope", async () => {
    const sb = await Sandbox.start({ errorStyle: 'http', apiKey: 'sk-test' })
    try {
      await sb.register({ url: IMAGE_URL, size: 10 })
      const denied = await callApi(sb, { url: IMAGE_URL }, { key: 'sk-wrong' })
      expect(denied.status).toBe(401)
      expect(denied.json).toMatchObject({ code: 401, data: null })
      const unknown = await callApi(sb, { url: 'https://example.com/x.png' })
      expect(unknown.status).toBe(422)
      expect((await callApi(sb, { url: IMAGE_URL })).status).toBe(200)
    } finally {
      await sb.close()
    }
  })

  it("fileHost 'same' serves API and files on one port", async () => {
    const sb = await Sandbox.start({ fileHost: 'same' })
    try {
      const file = await sb.register({ url: AUDIO_URL, size: 70_000 })
      expect(sb.fileBaseUrl).toBe(sb.baseUrl)
      expect(file.contentType).toBe('application/octet-stream')
      const body = await drain(await fetch(await signedUrlFor(sb, AUDIO_URL)))
      expect(body.sha256).toBe(file.sha256)
      expect(sb.requests.map(r => r.target)).toEqual(['api', 'file'])
    } finally {
      await sb.close()
    }
  })

  it('close() promptly ends stalled requests on both servers', async () => {
    const sb = await Sandbox.start()
    await sb.register({ url: IMAGE_URL, size: 1_000_000 })
    const signed = await signedUrlFor(sb, IMAGE_URL)
    sb.inject({ target: 'api', fault: { kind: 'stall' } })
    sb.inject({ target: 'file', fault: { kind: 'stall', afterBytes: 5000 } })
    const api = callApi(sb, { url: IMAGE_URL })
    const file = fetch(signed).then(drain)
    while (sb.requests.filter(r => r.fault === 'stall').length < 2) {
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    const started = Date.now()
    await sb.close()
    await expect(api).rejects.toThrow()
    const body = await file
    expect(body.error).toBeDefined()
    expect(body.bytes).toBeLessThanOrEqual(5000)
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
