// The kie.ai download-url API: one call turns a generated file's URL into a signed URL valid for 20 minutes.
import { EndpointPaths, type EndpointName } from '../constants.js'
import { RecordMissingError, TaskEndedError, TransferError } from '../errors.js'
import type { IncomingMessage } from 'node:http'
import { type Http, readText } from '../util/http.js'
import { RETRYABLE_KIE_CODES, RETRYABLE_STATUSES, parseRetryAfter } from '../util/retry.js'
import { maskSignedUrl, oneLine, scrub } from '../util/safe-text.js'

/** What each documented code means, for error messages people can act on. */
export const CODE_MEANINGS: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized: the API key is missing or invalid (check the api-key secret)',
  402: 'insufficient credits on the kie.ai account (top it up, or check the api-key secret)',
  404: 'resource or endpoint not found (check base-url and endpoint)',
  408: 'no result from upstream for over 10 minutes; kie.ai gave the task up',
  422: 'validation error: not a kie.ai file URL, older than 14 days, or no result for this task',
  429: 'rate limited',
  433: 'sub-key limit exceeded: this API key has used up the limit the kie.ai account set for it',
  451: 'kie.ai failed to fetch the image',
  455: 'service under maintenance',
  500: 'kie.ai server error',
  501: 'generation failed',
  505: 'feature disabled'
}

/** What kie.ai's body code means on a task lookup, where it differs from download-url. */
const LOOKUP_MEANINGS: Record<number, string> = {
  ...CODE_MEANINGS,
  400: 'the task ID is missing or not valid (check task-ids)',
  404: 'task not found'
}

/** Account limits: every other call would be refused the same way, so the run stops. */
const STOP_ALL_CODES = new Set([401, 402, 433])
/** A lookup answering these has ended the task for good: no later look can change it. */
const TASK_ENDED_CODES = new Set([408, 501])

/** kie.ai answers with a small JSON envelope; anything bigger is not an answer. */
const MAX_ANSWER_BYTES = 1024 * 1024

export interface ResolveRequest {
  url: string
  taskId: string | null
  endpoint: EndpointName
}

export class KieApi {
  private readonly baseUrl: string
  private readonly apiKey: string
  private readonly http: Http
  private readonly timeoutMs: number

  constructor(baseUrl: string, apiKey: string, http: Http, timeoutMs: number) {
    this.baseUrl = baseUrl
    this.apiKey = apiKey
    this.http = http
    this.timeoutMs = timeoutMs
  }

  /** One request for a signed URL. The URL is masked before this returns. */
  async resolve(request: ResolveRequest, signal?: AbortSignal): Promise<string> {
    const body =
      request.endpoint === 'gpt4o-image'
        ? { taskId: request.taskId, url: request.url }
        : { url: request.url }
    const what = `kie.ai ${request.endpoint} download-url`
    const message = await this.http.request({
      method: 'POST',
      url: this.baseUrl + EndpointPaths[request.endpoint],
      what,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json'
      },
      body: JSON.stringify(body),
      signal
    })
    const status = message.statusCode ?? 0
    // Parse the text whatever Content-Type says: errors come as JSON under text/html too.
    const text = await this.answer(message, what, signal)
    const envelope = parseEnvelope(text)
    const retryAfterMs = parseRetryAfter(message.headers['retry-after'])

    if (status >= 200 && status < 300 && envelope?.code === 200) {
      if (typeof envelope.data === 'string' && envelope.data.trim() !== '') {
        const signed = envelope.data.trim()
        // Checked first (its errors quote no part of it), so junk in `data` is not made a secret.
        checkSignedUrl(signed, this.baseUrl, what)
        maskSignedUrl(signed)
        return signed
      }
      throw new TransferError(`${what}: answered code 200 without a download URL in "data"`, {
        retryable: true
      })
    }
    throw apiError(what, status, envelope, text, retryAfterMs)
  }

  /**
   * One look at a task's details: `GET {base}{path}?taskId=...`, returning the envelope's `data`.
   * A 404 "Task Not Found" or 422 "record is null" throws a RecordMissingError (kie.ai says either
   * right after a task is created); a 408 or 501 a TaskEndedError (the task is over, unfinished).
   */
  async lookup(path: string, taskId: string, signal?: AbortSignal): Promise<unknown> {
    const what = `kie.ai task details (${path})`
    const message = await this.http.request({
      method: 'GET',
      url: `${this.baseUrl}${path}?taskId=${encodeURIComponent(taskId)}`,
      what,
      headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' },
      signal
    })
    const status = message.statusCode ?? 0
    const text = await this.answer(message, what, signal)
    const envelope = parseEnvelope(text)
    if (status >= 200 && status < 300 && envelope?.code === 200) return envelope.data
    const retryAfterMs = parseRetryAfter(message.headers['retry-after'])
    // kie.ai's own codes mean the lookup's things; a bare HTTP status means what it means anywhere.
    const meanings = envelope?.code === undefined ? CODE_MEANINGS : LOOKUP_MEANINGS
    const error = apiError(what, status, envelope, text, retryAfterMs, meanings)
    const code = envelope?.code !== undefined && envelope.code !== 200 ? envelope.code : status
    const said = oneLine(envelope?.msg ?? '', 60)
    // 404 "Task Not Found" only in kie.ai's envelope: a bare HTTP 404 is more likely a wrong base-url.
    if (envelope?.code === 404 || (code === 422 && RECORD_MISSING.test(envelope?.msg ?? ''))) {
      throw new RecordMissingError(error.message, `${code}${said ? ` "${said}"` : ''}`)
    }
    if (TASK_ENDED_CODES.has(code) && envelope?.code === code) {
      throw new TaskEndedError(error.message)
    }
    throw error
  }

  /** The answer's text: an envelope of a few KiB, so it must be whole within `timeout` too. */
  private answer(message: IncomingMessage, what: string, signal?: AbortSignal): Promise<string> {
    return readText(message, {
      what,
      maxBytes: MAX_ANSWER_BYTES,
      timeoutMs: this.timeoutMs,
      signal,
      wholeMs: this.timeoutMs
    })
  }
}

/** kie.ai's words for "no such task (yet)": `record is null`, `recordInfo is null`. */
const RECORD_MISSING = /\brecord(?:\s*info)? is null\b/i

/**
 * A signed URL must be http(s) and never weaker than the API itself: an https API handing out an
 * http (or javascript:, file:, ...) URL fails that entry before anything is sent to it.
 */
function checkSignedUrl(signed: string, baseUrl: string, what: string): void {
  let url: URL
  try {
    url = new URL(signed)
  } catch {
    throw new TransferError(`${what}: "data" is not a URL`)
  }
  const apiIsHttps = new URL(baseUrl).protocol === 'https:'
  const allowed = apiIsHttps ? ['https:'] : ['https:', 'http:']
  if (!allowed.includes(url.protocol)) {
    throw new TransferError(
      `${what}: refused a download URL with scheme "${oneLine(scrub(url.protocol), 20)}" (expected ${allowed.join(' or ')}${apiIsHttps ? ', as the API is https' : ''})`
    )
  }
  if (url.username || url.password) {
    throw new TransferError(`${what}: refused a download URL carrying credentials`)
  }
}

interface Envelope {
  code?: number
  msg?: string
  data?: unknown
}

/** The `{code, msg, data}` envelope, or undefined when the text is not one. */
function parseEnvelope(text: string): Envelope | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  // The Market page's example once writes `message` where every other writes `msg`.
  const { code, msg, message, data } = parsed as Record<string, unknown>
  const numeric = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code
  return {
    code: typeof numeric === 'number' && Number.isInteger(numeric) ? numeric : undefined,
    msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : undefined,
    data
  }
}

/** An error naming the code, its documented meaning and kie.ai's own words. */
function apiError(
  what: string,
  status: number,
  envelope: Envelope | undefined,
  text: string,
  retryAfterMs: number | undefined,
  meanings: Record<number, string> = CODE_MEANINGS
): TransferError {
  const httpOk = status >= 200 && status < 300
  // The body code is kie.ai's verdict when it gives one; otherwise the HTTP status speaks.
  const bodyCode = envelope?.code !== undefined && envelope.code !== 200 ? envelope.code : undefined
  const code = bodyCode ?? (httpOk ? undefined : status)
  if (code === undefined) {
    return new TransferError(`${what}: answer is not a kie.ai envelope (HTTP ${status})`, {
      retryable: true
    })
  }
  const meaning = meanings[code] ?? (code >= 500 ? 'server error' : 'request refused')
  // kie.ai's own words may echo the key (a proxy quoting the request): scrubbed before they go anywhere.
  const said = envelope?.msg ? `: "${oneLine(scrub(envelope.msg), 200)}"` : plainTextHint(text)
  // "answered 401 (HTTP 200)" says how it came; "answered 403 (HTTP 403)" says nothing twice.
  const via = code === status || (bodyCode !== undefined && httpOk) ? '' : ` (HTTP ${status})`
  // kie.ai's envelope speaks for the answer: an HTTP 408 whose body says 408 is final, not a timeout.
  const retryable =
    bodyCode !== undefined ? RETRYABLE_KIE_CODES.has(bodyCode) : RETRYABLE_STATUSES.has(status)
  return new TransferError(`${what} answered ${code}${via}: ${meaning}${said}`, {
    retryable,
    retryAfterMs: retryable ? retryAfterMs : undefined,
    stopAll: STOP_ALL_CODES.has(code),
    // Body code 429 (kie.ai's usual HTTP 200 form) or HTTP 429: the run's API governor slows every
    // call down and re-sends this one; it is not a fault and spends none of `retries`.
    rateLimited: code === 429 || status === 429
  })
}

/** A non-JSON answer, e.g. Cloudflare's `error code: 1010`, summarised with what it usually means. */
function plainTextHint(text: string): string {
  const cloudflare = /error code: (\d+)/i.exec(text)
  if (cloudflare) {
    return `: Cloudflare "error code: ${cloudflare[1]}" (the request was blocked on its way, not a bad key)`
  }
  const snippet = oneLine(scrub(text), 120)
  return snippet ? `: "${snippet}"` : ''
}
