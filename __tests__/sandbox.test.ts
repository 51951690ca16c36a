// The sandbox's file host guards what the other tests rely on: signatures, expiry, no Authorization header.
// (The rest of the sandbox is exercised by every test that runs the action against it.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { setImmediate as tick } from 'node:timers/promises'
import { type LoggedRequest, Sandbox } from '../sandbox/index.ts'

const IMAGE_URL = 'https://tempfile.aiquickdraw.com/v/test-image.png'

async function signedUrlFor(sb: Sandbox, url: string): Promise<string> {
  const res = await fetch(`${sb.baseUrl}/api/v1/common/download-url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sb.apiKey}` },
    body: JSON.stringify({ url })
  })
  const json = (await res.json()) as { code: number; data: string }
  expect(json.code).toBe(200)
  return json.data
}

function withParam(signed: string, name: string, value: string): string {
  const url = new URL(signed)
  url.searchParams.set(name, value)
  return url.toString()
}

describe('kie.ai sandbox file host', () => {
  let sb: Sandbox
  let clockOffset = 0

  beforeAll(async () => {
    sb = await Sandbox.start({ now: () => Date.now() + clockOffset })
    await sb.register({ url: IMAGE_URL, size: 10_000 })
  })
  afterEach(() => {
    clockOffset = 0
  })
  afterAll(() => sb.close())

  it('serves a signed URL as given and refuses one whose query or path was changed', async () => {
    const signed = await signedUrlFor(sb, IMAGE_URL)
    expect((await fetch(signed, { method: 'HEAD' })).status).toBe(200)
    for (const tampered of [
      withParam(signed, 'X-Amz-Expires', '604800'),
      withParam(signed, 'response-content-type', 'text/html'),
      signed.replace(/test-image\.png/, 'other.png')
    ]) {
      const res = await fetch(tampered)
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    }
  })

  it('expires signed URLs after X-Amz-Expires by the sandbox clock', async () => {
    const signed = await signedUrlFor(sb, IMAGE_URL)
    clockOffset = 1199 * 1000
    expect((await fetch(signed, { method: 'HEAD' })).status).toBe(200)
    clockOffset = 1201 * 1000
    const res = await fetch(signed)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('<Code>ExpiredRequest</Code>')
    // The cure is a fresh URL from the API.
    expect((await fetch(await signedUrlFor(sb, IMAGE_URL), { method: 'HEAD' })).status).toBe(200)
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

  it('answers each GET of a file with several versions with the next one, and each ETag style as asked', async () => {
    const url = 'https://tempfile.aiquickdraw.com/v/versions.png'
    const file = await sb.register({ url, size: 5000, versions: 2, etag: 'wholeOnly' })
    const signed = await signedUrlFor(sb, url)
    const digest = async (res: Response): Promise<string> =>
      createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex')
    const first = await fetch(signed)
    expect(first.headers.get('etag')).toBe(file.versions[0].etag)
    expect(await digest(first)).toBe(file.versions[0].sha256)
    // A ranged GET gets the next version, no ETag, and If-Range is not honoured.
    const part = await fetch(signed, {
      headers: { range: 'bytes=0-', 'if-range': file.versions[0].etag }
    })
    expect(part.status).toBe(206)
    expect(part.headers.get('etag')).toBeNull()
    expect(await digest(part)).toBe(file.versions[1].sha256)
    expect(file.versions[0].sha256).not.toBe(file.versions[1].sha256)

    for (const etag of ['weak', 'none'] as const) {
      const other = `https://tempfile.aiquickdraw.com/v/etag-${etag}.png`
      const registered = await sb.register({ url: other, size: 5000, etag })
      const res = await fetch(await signedUrlFor(sb, other))
      expect(res.headers.get('etag')).toBe(etag === 'weak' ? `W/${registered.etag}` : null)
      expect(res.headers.get('last-modified')).not.toBeNull()
      await res.arrayBuffer()
    }
  })

  it('awaitServed holds an answer until each listed file was served whole; a cut, a HEAD or a range does not count', async () => {
    const first = 'https://tempfile.aiquickdraw.com/v/served-first.png'
    await sb.register({ url: first, size: 10_000 })
    sb.inject({ target: 'file', url: IMAGE_URL, fault: { kind: 'awaitServed', urls: [first] } })
    sb.inject({
      target: 'file',
      url: first,
      fault: { kind: 'cut', afterBytes: 100, mode: 'close' }
    })
    const heldUrl = await signedUrlFor(sb, IMAGE_URL)
    const firstUrl = await signedUrlFor(sb, first)
    sb.clearRequests()
    const held = fetch(heldUrl).then(async res => [
      res.status,
      (await res.arrayBuffer()).byteLength
    ])
    let entry: LoggedRequest | undefined
    while (!(entry = sb.requests.find(r => r.target === 'file' && r.url === IMAGE_URL)))
      await tick()
    expect(entry.fault).toBe('awaitServed')

    await expect(fetch(firstUrl).then(res => res.arrayBuffer())).rejects.toThrow()
    expect((await fetch(firstUrl, { method: 'HEAD' })).status).toBe(200)
    const ranged = await fetch(firstUrl, { headers: { range: 'bytes=0-' } })
    expect(ranged.status).toBe(206)
    await ranged.arrayBuffer()
    // Still before its status line.
    expect(entry.status).toBeUndefined()

    expect((await (await fetch(firstUrl)).arrayBuffer()).byteLength).toBe(10_000)
    expect(await held).toEqual([200, 10_000])
  })

  it('a drip fault answers 200, then spaces that never end', async () => {
    sb.inject({ target: 'file', url: IMAGE_URL, fault: { kind: 'drip', bytes: 100, everyMs: 20 } })
    const controller = new AbortController()
    const res = await fetch(await signedUrlFor(sb, IMAGE_URL), { signal: controller.signal })
    expect(res.status).toBe(200)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let got = 0
    while (got < 500) got += ((await reader.read()).value ?? new Uint8Array()).length
    controller.abort()
    expect(got).toBeGreaterThanOrEqual(500)
  })
})
