// Keeps secrets and untrusted text inert: masks signed URLs, strips query strings, defuses log and HTML text.
import * as core from '@actions/core'

const MIN_SECRET_LENGTH = 8

/** Query parameters of a presigned (SigV4) URL that are credentials on their own. */
const SECRET_PARAMS = ['X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token']

/**
 * Registers a signed URL, and each credential inside it (raw and URL-encoded), with the runner's
 * masker. A signed URL is a bearer credential for 20 minutes; the runner masks only what it was told.
 */
export function maskSignedUrl(url: string): void {
  const secrets = new Set([url])
  try {
    const parsed = new URL(url)
    secrets.add(parsed.search.slice(1))
    for (const [key, value] of parsed.searchParams) {
      if (SECRET_PARAMS.some(p => p.toLowerCase() === key.toLowerCase())) {
        secrets.add(value).add(encodeURIComponent(value))
      }
    }
  } catch {
    // Not parseable: the raw scan below still finds what it can.
  }
  // The text as written may encode differently from what URLSearchParams re-encodes.
  for (const match of url.matchAll(
    /[?&]X-Amz-(?:Signature|Credential|Security-Token)=([^&#]+)/gi
  )) {
    secrets.add(match[1])
  }
  // A very short value (`?v=1`) would blank out ordinary words all over the log.
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) core.setSecret(secret)
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

/** Replaces every query string inside free text (e.g. an error from an HTTP layer) with `?…`. */
export function stripQueries(text: string): string {
  return text.replace(/\?[^\s"'<>)]*/g, '?…')
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

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
