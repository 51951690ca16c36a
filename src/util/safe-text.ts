// Keeps secrets and untrusted text inert: masks signed URLs, strips query strings, defuses log and HTML text.
import * as core from '@actions/core'

const MIN_SECRET_LENGTH = 8

/** Presigned (SigV4) query parameters that are secrets: the signature differs per URL, the rest are shared. */
const SIGNATURE_PARAM = /[?&]X-Amz-Signature=([^&#]+)/i
const SHARED_PARAMS = /[?&]X-Amz-(?:Credential|Security-Token)=([^&#]+)/gi

/** Shared credentials already registered this run: the runner checks every later line against every mask. */
const registered = new Set<string>()

/**
 * What scrub() replaces. `phrases` (the API key in its forms, shared credentials: a handful) are
 * found wherever they stand; `words` (one signature per signed URL: thousands) are found as whole
 * words, one set lookup per word of the text, so scrubbing costs the same whatever their number.
 */
const phrases = new Set<string>()
const words = new Set<string>()
/** A word as scrub() looks words up: the characters of keys, hex and base64(url), percent escapes; `=` ends one. */
const WORD = /[A-Za-z0-9%._~+/-]{8,}/g

/**
 * Registers what makes a signed URL a bearer credential with the runner's masker: its signature
 * (one mask per URL), and the credential and session token it shares with every other URL of the
 * run, once each, as written and decoded. Without its signature a presigned URL opens nothing, so
 * the whole URL need not be a mask of its own: the runner checks every later log line against every
 * mask, a cost that grows with the number of masks. A URL signed some other way has its whole query
 * masked.
 */
export function maskSignedUrl(url: string): void {
  const signature = SIGNATURE_PARAM.exec(url)?.[1]
  if (signature) {
    mask(signature)
    addWord(signature)
  } else {
    const query = /\?([^#]*)/.exec(url)?.[1]
    if (query) {
      mask(query)
      for (const pair of query.split('&')) addWord(pair.slice(pair.indexOf('=') + 1))
    }
  }
  for (const [, value] of url.matchAll(SHARED_PARAMS)) {
    if (registered.has(value)) continue
    registered.add(value)
    mask(value)
    mask(lenientDecode(value))
    addPhrase(value)
    addPhrase(lenientDecode(value))
  }
}

/**
 * Registers the API key with scrub() as written, URL-encoded, and as the base64 of its
 * `Authorization` header value (`Bearer <key>`), the forms a server could echo it in. The runner's
 * own mask (core.setSecret) covers the log only; scrub() keeps it out of files too.
 */
export function scrubKey(key: string): void {
  addPhrase(key)
  addPhrase(encodeURIComponent(key))
  addPhrase(Buffer.from(`Bearer ${key}`).toString('base64'))
}

/**
 * Text from kie.ai or a file host (a `msg`, a `failMsg`, an error body) with the API key and every
 * signature registered this run replaced by `***`, the runner's own mark. Applied where such text
 * enters the run, before it can reach a result, an output, the manifest, the record or the summary.
 */
export function scrub(text: string): string {
  let out = text
  for (const phrase of phrases) if (out.includes(phrase)) out = out.replaceAll(phrase, '***')
  if (words.size === 0) return out
  return out.replace(WORD, word => (words.has(word) ? '***' : word))
}

/** Forgets what this run registered: each run (step) tells the runner, and scrub(), afresh. */
export function startMasking(): void {
  registered.clear()
  phrases.clear()
  words.clear()
}

function addPhrase(secret: string): void {
  if (secret.length >= MIN_SECRET_LENGTH) phrases.add(secret)
}

/** A word as WORD finds it: both the value as written and decoded, padding (`=`) left off. */
function addWord(secret: string): void {
  for (const form of new Set([secret, lenientDecode(secret)])) {
    const word = form.replace(/=+$/, '')
    if (word.length >= MIN_SECRET_LENGTH) words.add(word)
  }
}

function mask(secret: string): void {
  // A very short value (`?v=1`) would blank out ordinary words all over the log.
  if (secret.length >= MIN_SECRET_LENGTH) core.setSecret(secret)
}

function lenientDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** A URL for people: scheme, host and path, never the query string or fragment (they carry signatures). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    const hidden = u.search || u.hash ? '?…' : ''
    return `${u.protocol}//${u.host}${u.pathname}${hidden}`
  } catch {
    // Not a URL: keep only what stands before any query-like part.
    return url.split(/[?#]/)[0] + (/[?#]/.test(url) ? '?…' : '')
  }
}

/**
 * Replaces every query string inside free text (e.g. an error from an HTTP layer) with `?…`: a `?`
 * that ends a URL or path and is followed by more, or that starts `key=value` pairs. A question mark
 * in a sentence ("Is the URL right?") is left alone.
 */
export function stripQueries(text: string): string {
  // Most text has no `?` at all: no need to run the pattern over it.
  if (!text.includes('?')) return text
  return text.replace(/(\S*\/[^\s?]*|)\?([^\s"'<>)]*)/g, (whole, before: string, query: string) =>
    (before && query) || /^[^\s=&]+=/.test(query) ? `${before}?…` : whole
  )
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** True when text holds a control character or a line break: what oneLine() would flatten. */
export function hasControlChars(text: string): boolean {
  return CONTROL_CHAR.test(text)
}

/**
 * Untrusted text (kie.ai's `msg`, names from URLs) made safe for one log line: no line breaks or
 * control characters, so it can never start a `::workflow-command::` line, and bounded in length.
 */
export function oneLine(text: string, max = 300): string {
  const flat = stripQueries(text)
    .replace(CONTROL_CHARS, ' ')
    // The runner also obeys the old `##[command]` form anywhere in a line.
    .replace(/##\[/g, '## [')
    .trim()
  // The runner trims leading white space before it looks for `::`, so a space would not do.
  const safe = flat.startsWith('::') ? `:\u200b${flat.slice(1)}` : flat
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe
}

/** Escapes text for the HTML job summary: nothing from outside is ever raw markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`|]/g, c => `&#${c.charCodeAt(0)};`)
}
