// The kie.ai API: the two download-url endpoints, their auth, validation and JSON envelope.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SandboxContext } from './context.ts'
import type { LoggedRequest } from './types.ts'
import { faultReply, send, type Reply } from './wire.ts'

export const COMMON_PATH = '/api/v1/common/download-url'
export const GPT4O_PATH = '/api/v1/gpt4o-image/download-url'

const MAX_BODY = 1024 * 1024
export const INVALID_URL_MSG = 'Invalid URL (External file URLs are not supported)'
export const RECORD_NULL_MSG = 'record is null'

// kie.ai's wording where known, else the documented meaning of the code.
export const DEFAULT_MSG: Record<number, string> = {
  200: 'success',
  401: 'You do not have access permissions',
  402: 'Credits insufficient',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Upstream service has not returned results for more than 10 minutes',
  422: 'Validation Error',
  429: 'Rate limit exceeded',
  433: 'Sub-key usage exceeds limit',
  451: 'Failed to fetch the image. Kindly verify any access limits set by you or your service provider',
  455: 'Service Unavailable - System is currently undergoing maintenance',
  500: 'Server Error - An unexpected error occurred while processing the request',
  501: 'Generation failed',
  505: 'Feature Disabled - The requested feature is currently disabled'
}

export async function handleApi(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  entry: LoggedRequest
): Promise<void> {
  // Read the whole body even when the answer is an error, so a kept-alive connection stays in step.
  let text: string | undefined
  try {
    text = await readBody(req)
  } catch {
    return // the client went away mid-body
  }
  let body: unknown
  let json = false
  if (text) {
    try {
      body = JSON.parse(text)
      json = true
    } catch {
      body = text
    }
    entry.body = body
  }
  const fields = json && isObject(body) ? body : undefined
  if (typeof fields?.url === 'string') entry.url = fields.url

  const fault = ctx.faults.take('api', entry.url)
  if (fault) entry.fault = fault.kind
  let reply: Reply | 'reset' | undefined = faultReply(fault)
  if (fault?.kind === 'code') {
    reply = envelope(ctx, fault.code, fault.msg ?? DEFAULT_MSG[fault.code] ?? 'error', null, {
      httpStatus: fault.httpStatus,
      retryAfter: fault.retryAfter
    })
  } else if (fault?.kind === 'signedUrl') {
    reply = envelope(ctx, 200, 'success', fault.data)
  }
  if (!tokenTaken(ctx) && !reply) reply = rateLimited(ctx, entry)
  reply ??= answer(ctx, req, text === undefined, json, fields, {
    expired: fault?.kind === 'expired',
    tamper: fault?.kind === 'badSignature'
  })
  await send(res, reply, {
    latencyMs: ctx.latency.apiMs,
    fault,
    signal: ctx.signal,
    entry,
    stalls: ctx.stalls
  })
}

function answer(
  ctx: SandboxContext,
  req: IncomingMessage,
  tooLarge: boolean,
  json: boolean,
  fields: Record<string, unknown> | undefined,
  sign: { expired: boolean; tamper: boolean }
): Reply {
  const path = (req.url ?? '/').split('?')[0]
  const is4o = path === GPT4O_PATH
  if (path !== COMMON_PATH && !is4o) {
    return envelope(ctx, 404, `Not Found: no endpoint ${path}`)
  }
  if (req.method !== 'POST') {
    return envelope(ctx, 405, `Method ${req.method} not allowed; use POST`, null, {
      headers: { Allow: 'POST' }
    })
  }
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (!auth || auth[1] !== ctx.apiKey) return envelope(ctx, 401, DEFAULT_MSG[401])

  const example = is4o ? '{"taskId": "...", "url": "..."}' : '{"url": "..."}'
  if (tooLarge) return envelope(ctx, 422, 'Request body is too large')
  if (!json) return envelope(ctx, 422, `Request body must be JSON: ${example}`)
  if (!fields) return envelope(ctx, 422, `Request body must be a JSON object: ${example}`)
  const { url, taskId } = fields
  if (is4o) {
    if (taskId === undefined) return envelope(ctx, 422, 'taskId is required')
    if (typeof taskId !== 'string' || taskId === '') {
      return envelope(ctx, 422, 'taskId must be a non-empty string')
    }
  }
  if (url === undefined) return envelope(ctx, 422, 'url is required')
  if (typeof url !== 'string') return envelope(ctx, 422, 'url must be a string')
  if (!/^https?:\/\/[^\s/]+/i.test(url)) return envelope(ctx, 422, 'url must be an http(s) URL')

  const stored = ctx.files.byUrl(url)
  if (!stored) return envelope(ctx, 422, INVALID_URL_MSG)
  if (is4o && stored.file.taskId !== undefined && stored.file.taskId !== taskId) {
    return envelope(ctx, 422, RECORD_NULL_MSG)
  }

  const base = new URL(ctx.fileBaseUrl)
  const objectUrlPath = `/${stored.file.objectPath}`
  // The expired fault backdates the signature past its lifetime, like a URL kept too long.
  const dateMs = sign.expired ? ctx.now() - (ctx.ttlSeconds + 60) * 1000 : ctx.now()
  const query = ctx.signer.presign(base.host, objectUrlPath, dateMs, ctx.ttlSeconds, sign.tamper)
  return envelope(ctx, 200, 'success', `${ctx.fileBaseUrl}${objectUrlPath}?${query}`)
}

/** kie.ai's answer envelope; errors go out as HTTP 200 or as their code, per errorStyle. */
function envelope(
  ctx: SandboxContext,
  code: number,
  msg: string,
  data: string | null = null,
  extra: { httpStatus?: number; retryAfter?: string; headers?: Record<string, string> } = {}
): Reply {
  let status = extra.httpStatus ?? (code !== 200 && ctx.errorStyle === 'http' ? code : 200)
  if (!Number.isInteger(status) || status < 100 || status > 999) status = 200
  const body = Buffer.from(JSON.stringify({ code, msg, data }))
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      ...(extra.retryAfter === undefined ? {} : { 'Retry-After': extra.retryAfter }),
      ...extra.headers
    },
    body
  }
}

/** Takes a token for a call that has arrived (every call takes one, as at a gateway, faulted or not). */
export function tokenTaken(ctx: SandboxContext): boolean {
  return ctx.rateLimit?.take(ctx.now()) ?? true
}

/** kie.ai's answer over the rate limit: code 429 without Retry-After, per errorStyle. */
export function rateLimited(ctx: SandboxContext, entry: LoggedRequest): Reply {
  entry.rateLimited = true
  return envelope(ctx, 429, DEFAULT_MSG[429])
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The body as text, or undefined past MAX_BODY (still drained, for keep-alive). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req) {
    length += (chunk as Buffer).length
    if (length <= MAX_BODY) chunks.push(chunk as Buffer)
  }
  if (length > MAX_BODY) return undefined
  return Buffer.concat(chunks).toString('utf8')
}
