// S3-style (SigV4 query) presigned URLs: minting them for the API, checking them on the file host.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const ALGORITHM = 'AWS4-HMAC-SHA256'
const REGION = 'auto' // what R2 puts in the credential scope
const MAX_EXPIRES = 604800 // S3 caps presigned URLs at a week
const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature'
]

/** Whether the file host accepts a request, and if not why, as S3 words it. */
export type Verdict =
  | { ok: true }
  | { ok: false; status: number; code: string; message: string; extra?: Record<string, string> }

/** 20250415T101007Z */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  return amzDate(ms) === value ? ms : undefined
}

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** Split a raw query string into decoded pairs, keeping duplicates and order. */
export function parseQuery(raw: string): [string, string][] | undefined {
  const pairs: [string, string][] = []
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? '' : part.slice(eq + 1)
    try {
      pairs.push([decodeURIComponent(name), decodeURIComponent(value)])
    } catch {
      return undefined
    }
  }
  return pairs
}

function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&')
}

/** Mints and checks presigned URLs with a secret that lives only as long as the sandbox. */
export class Signer {
  readonly #secret = randomBytes(32)
  /** Looks like R2's access key ids in kie.ai's examples: 32 hex digits. */
  readonly accessKeyId = randomBytes(16).toString('hex')

  /**
   * The query string of a presigned GET for host + path (path already percent-encoded).
   * `tamper` gives a well-formed but wrong signature, for the badSignature fault.
   */
  presign(host: string, path: string, dateMs: number, expiresSeconds: number, tamper = false) {
    const date = amzDate(dateMs)
    const pairs: [string, string][] = [
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Date', date],
      ['X-Amz-SignedHeaders', 'host'],
      ['X-Amz-Expires', String(expiresSeconds)],
      ['X-Amz-Credential', `${this.accessKeyId}/${date.slice(0, 8)}/${REGION}/s3/aws4_request`]
    ]
    let signature = this.#signature(host, path, pairs)
    if (tamper) signature = createHash('sha256').update(`tampered\0${signature}`).digest('hex')
    pairs.push(['X-Amz-Signature', signature])
    return pairs.map(([name, value]) => `${name}=${rfc3986(value)}`).join('&')
  }

  /** Checks a request in S3's order: well-formed, signature, then expiry. */
  verify(host: string, path: string, rawQuery: string, nowMs: number): Verdict {
    const pairs = parseQuery(rawQuery)
    if (!pairs) return malformed('The query string is not properly percent-encoded.')
    const params = new Map(pairs)
    if (!REQUIRED.some(name => params.has(name))) {
      return { ok: false, status: 403, code: 'AccessDenied', message: 'Access Denied' }
    }
    if (REQUIRED.some(name => !params.has(name))) {
      return malformed(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.'
      )
    }
    if (params.get('X-Amz-Algorithm') !== ALGORITHM) {
      return malformed(`X-Amz-Algorithm only supports "${ALGORITHM}"`)
    }
    const date = params.get('X-Amz-Date') ?? ''
    const dateMs = parseAmzDate(date)
    if (dateMs === undefined) {
      return malformed(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
    }
    const expiresText = params.get('X-Amz-Expires') ?? ''
    const expires = /^\d{1,9}$/.test(expiresText) ? Number(expiresText) : NaN
    if (!(expires >= 0)) return malformed('X-Amz-Expires should be a number')
    if (expires > MAX_EXPIRES) {
      return malformed(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES}`)
    }
    const scope = (params.get('X-Amz-Credential') ?? '').split('/')
    if (scope.length !== 5 || scope[1] !== date.slice(0, 8) || scope[4] !== 'aws4_request') {
      return malformed(
        'Error parsing the X-Amz-Credential parameter; the credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
      )
    }
    if (!(params.get('X-Amz-SignedHeaders') ?? '').split(';').includes('host')) {
      return malformed('The X-Amz-SignedHeaders parameter must include host.')
    }

    const expected = Buffer.from(this.#signature(host, path, pairs), 'latin1')
    const given = Buffer.from(params.get('X-Amz-Signature') ?? '', 'latin1')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your secret access key and signing method.'
      }
    }
    if (nowMs > dateMs + expires * 1000) {
      return {
        ok: false,
        status: 403,
        code: 'ExpiredRequest',
        message: 'Request has expired',
        extra: {
          'X-Amz-Expires': String(expires),
          Expires: new Date(dateMs + expires * 1000).toISOString(),
          ServerTime: new Date(nowMs).toISOString()
        }
      }
    }
    return { ok: true }
  }

  // Only `host` is signed, as in kie.ai's URLs, so a Range header keeps the URL valid while any
  // change to the path or the query (other than the signature itself) breaks it.
  #signature(host: string, path: string, pairs: [string, string][]): string {
    const credential = pairs.find(([name]) => name === 'X-Amz-Credential')?.[1] ?? ''
    const date = pairs.find(([name]) => name === 'X-Amz-Date')?.[1] ?? ''
    const canonicalRequest = [
      'GET',
      path,
      canonicalQuery(pairs),
      `host:${host}`,
      '',
      'host',
      'UNSIGNED-PAYLOAD'
    ].join('\n')
    const stringToSign = [
      ALGORITHM,
      date,
      credential.split('/').slice(1).join('/'),
      createHash('sha256').update(canonicalRequest).digest('hex')
    ].join('\n')
    return createHmac('sha256', this.#secret).update(stringToSign).digest('hex')
  }
}

function malformed(message: string): Verdict {
  return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message }
}
