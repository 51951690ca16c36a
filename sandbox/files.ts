// The S3/R2-style file host: presigned GET/HEAD, ranges, S3's XML errors, and hosts that bend HTTP (encodings, partial answers).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import zlib from 'node:zlib'
import { contentStream } from './content.ts'
import type { SandboxContext } from './context.ts'
import type { StoredFile, Version } from './registry.ts'
import type { Fault, LoggedRequest } from './types.ts'
import { faultReply, send, untilGone, type Reply } from './wire.ts'

export async function handleFile(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  entry: LoggedRequest
): Promise<void> {
  const target = req.url ?? '/'
  const q = target.indexOf('?')
  const path = q < 0 ? target : target.slice(0, q)
  const rawQuery = q < 0 ? '' : target.slice(q + 1)
  const stored = ctx.files.byPath(path.slice(1))
  if (stored) entry.url = stored.file.url

  const fault = ctx.faults.take('file', entry.url)
  if (fault) entry.fault = fault.kind
  const headOnly = req.method === 'HEAD'
  // Registered before anything is sent, so no ranged request can close unseen.
  const hold = fault?.kind === 'awaitRange' ? rangedCloses(ctx, path, fault.closes ?? 1) : undefined
  if (req.headers.range !== undefined) res.once('close', () => rangedClosed(ctx, path))
  if (fault?.kind === 'awaitServed') await servedWhole(ctx, fault.urls, res)
  let reply = faultReply(fault)
  if (!reply && stored && req.method === 'GET' && fault?.kind !== 'partial') {
    // 'finish' comes only once the whole body is handed over: never after a cut or a reset.
    res.once('finish', () => {
      if (entry.status === 200) markServed(ctx, stored.file.url)
    })
  }
  if (!reply) {
    // Every GET of an object with several versions answers the next one in turn.
    const version = stored?.versions[stored.gets++ % stored.versions.length]
    const plain = answer(ctx, req, path, rawQuery, stored, version, fault?.kind === 'ignoreRange')
    reply =
      stored && version && plain.status < 300 ? await bend(plain, fault, stored, version) : plain
  }
  await send(res, reply, {
    latencyMs: ctx.latency.fileMs,
    fault,
    signal: ctx.signal,
    entry,
    headOnly,
    hold,
    bytesPerSecond: ctx.bytesPerSecond,
    stalls: ctx.stalls
  })
}

// Waiters for ranged requests to close, per sandbox and object path: each counts down its closes.
const rangedWaiters = new WeakMap<SandboxContext, Map<string, Set<RangedWaiter>>>()

interface RangedWaiter {
  left: number
  wake: () => void
}

function rangedCloses(ctx: SandboxContext, path: string, closes: number): Promise<void> {
  let byPath = rangedWaiters.get(ctx)
  if (!byPath) rangedWaiters.set(ctx, (byPath = new Map()))
  let waiters = byPath.get(path)
  if (!waiters) byPath.set(path, (waiters = new Set()))
  const set = waiters
  return new Promise(resolve => set.add({ left: closes, wake: resolve }))
}

function rangedClosed(ctx: SandboxContext, path: string): void {
  const waiters = rangedWaiters.get(ctx)?.get(path)
  if (!waiters) return
  for (const waiter of waiters) {
    if (--waiter.left > 0) continue
    waiters.delete(waiter)
    waiter.wake()
  }
  if (waiters.size === 0) rangedWaiters.get(ctx)?.delete(path)
}

// Urls whose object a GET got whole, and the awaitServed holds waiting on them, per sandbox.
const served = new WeakMap<SandboxContext, { urls: Set<string>; waiters: Set<() => void> }>()

function servedOf(ctx: SandboxContext): { urls: Set<string>; waiters: Set<() => void> } {
  let state = served.get(ctx)
  if (!state) served.set(ctx, (state = { urls: new Set(), waiters: new Set() }))
  return state
}

/** Resolves once every url was served whole, or the client went away (or the sandbox closed). */
async function servedWhole(ctx: SandboxContext, urls: string[], res: ServerResponse) {
  const state = servedOf(ctx)
  let check = (): void => {}
  const all = new Promise<void>(resolve => {
    check = () => {
      if (urls.every(url => state.urls.has(url))) resolve()
    }
  })
  state.waiters.add(check)
  check()
  try {
    await Promise.race([all, untilGone(res, ctx.signal)])
  } finally {
    state.waiters.delete(check)
  }
}

function markServed(ctx: SandboxContext, url: string): void {
  const state = servedOf(ctx)
  state.urls.add(url)
  for (const check of state.waiters) check()
}

// Objects up to this size are encoded whole first, so the answer can carry a Content-Length.
const ENCODE_WHOLE_BYTES = 16 * 1024 * 1024

/** A successful answer, bent by a fault that changes how a host sends the object. */
async function bend(
  reply: Reply,
  fault: Fault | undefined,
  stored: StoredFile,
  { spec }: Version
): Promise<Reply> {
  const { file } = stored
  switch (fault?.kind) {
    case 'partial': {
      if (reply.body instanceof Readable) reply.body.destroy()
      const bytes = Math.min(fault.bytes ?? Math.floor(file.size / 2), file.size)
      const { 'Content-Range': _range, ...headers } = reply.headers
      return {
        status: fault.status ?? 206,
        headers: {
          ...headers,
          'Content-Length': bytes,
          'Content-Range': `bytes 0-${bytes - 1}/${file.size}`
        },
        body: bytes === 0 ? undefined : contentStream(spec, 0, bytes - 1)
      }
    }
    case 'mislabel':
      return { ...reply, headers: { ...reply.headers, 'Content-Encoding': fault.encoding } }
    case 'chunked': {
      const { 'Content-Length': _length, ...headers } = reply.headers
      return { ...reply, headers }
    }
    case 'encode': {
      const { 'Content-Length': _length, ...headers } = reply.headers
      const encoder =
        fault.encoding === 'gzip'
          ? zlib.createGzip()
          : fault.encoding === 'br'
            ? zlib.createBrotliCompress()
            : fault.encoding === 'deflate'
              ? zlib.createDeflate()
              : zlib.createDeflateRaw()
      const source = reply.body instanceof Readable ? reply.body : Readable.from([reply.body ?? []])
      const encoded = source.pipe(encoder)
      source.on('error', error => encoder.destroy(error))
      const name = fault.encoding === 'deflate-raw' ? 'deflate' : fault.encoding
      if (file.size > ENCODE_WHOLE_BYTES) {
        return { ...reply, headers: { ...headers, 'Content-Encoding': name }, body: encoded }
      }
      const body = await buffer(encoded)
      return {
        ...reply,
        headers: { ...headers, 'Content-Encoding': name, 'Content-Length': body.length },
        body
      }
    }
    default:
      return reply
  }
}

function answer(
  ctx: SandboxContext,
  req: IncomingMessage,
  path: string,
  rawQuery: string,
  stored: StoredFile | undefined,
  version: Version | undefined,
  ignoreRange = false
): Reply {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return xmlError(
      405,
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      {
        Allow: 'GET, HEAD'
      }
    )
  }
  const hasQueryAuth = /(^|&)X-Amz-/i.test(rawQuery)
  // S3 refuses a request that carries both auth mechanisms; this is also how a test proves the
  // kie.ai key never reaches the file host: the request is refused and logged.
  if (req.headers.authorization !== undefined) {
    return xmlError(
      400,
      'InvalidArgument',
      hasQueryAuth
        ? 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified'
        : 'Unsupported Authorization Type'
    )
  }
  const verdict = ctx.signer.verify(req.headers.host ?? '', path, rawQuery, ctx.now())
  if (!verdict.ok) return xmlError(verdict.status, verdict.code, verdict.message, {}, verdict.extra)
  if (!stored || !version) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.')
  if (stored.file.gone !== undefined) return goneError(stored.file.gone)

  const { file, lastModified, etagStyle } = stored
  const { spec, etag, bytes } = version
  // If-Range holds for this version's strong ETag (or its date); a host that strips validators ignores it.
  const ifRange = req.headers['if-range']
  const holds =
    etagStyle === 'wholeOnly' ||
    ifRange === undefined ||
    ifRange === etag ||
    ifRange === lastModified
  const range = !ignoreRange && holds ? parseRange(req.headers.range, file.size) : undefined
  const sent = {
    strong: etag,
    weak: `W/${etag}`,
    none: undefined,
    wholeOnly: range ? undefined : etag
  }
  const headers = {
    'Content-Type': file.contentType,
    ...(sent[etagStyle] === undefined ? {} : { ETag: sent[etagStyle] }),
    'Last-Modified': lastModified,
    'Accept-Ranges': 'bytes'
  }
  if (range === 'unsatisfiable') {
    return xmlError(416, 'InvalidRange', 'The requested range is not satisfiable', {
      'Content-Range': `bytes */${file.size}`
    })
  }
  const start = range?.start ?? 0
  const end = range?.end ?? file.size - 1
  const length = end - start + 1
  return {
    status: range ? 206 : 200,
    headers: {
      ...headers,
      'Content-Length': length,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${file.size}` } : {})
    },
    body:
      req.method === 'HEAD' || length === 0
        ? undefined
        : (bytes?.subarray(start, end + 1) ?? contentStream(spec, start, end))
  }
}

/**
 * One `bytes=` range, as S3 serves them: `a-b`, `a-`, `-n`. A header that does not parse, or
 * asks for several ranges, is ignored (whole object, 200), as RFC 9110 allows.
 */
export function parseRange(
  header: string | undefined,
  size: number
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header === undefined ? null : /^\s*bytes=(\d*)-(\d*)\s*$/i.exec(header)
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Number(m[2])
  if (end < start && m[2] !== '') return undefined // a-b with b < a is malformed: ignored
  if (start >= size) return 'unsatisfiable'
  return { start, end: Math.min(end, size - 1) }
}

/** A deleted object: R2 says NoSuchKey; a CDN in front may say 403 or 410 instead. */
function goneError(status: 403 | 404 | 410): Reply {
  if (status === 403) return xmlError(403, 'AccessDenied', 'Access Denied')
  if (status === 410) return xmlError(410, 'Gone', 'The object has been removed.')
  return xmlError(404, 'NoSuchKey', 'The specified key does not exist.')
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, c => `&#${c.charCodeAt(0)};`)
}

function xmlError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra: Record<string, string> = {}
): Reply {
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('')
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}</Error>`
  )
  return {
    status,
    headers: { 'Content-Type': 'application/xml', 'Content-Length': body.length, ...headers },
    body
  }
}
