// File names: safe, portable names from URLs and templates, extensions from Content-Type, and `-N` suffixes.
import path from 'node:path'
import * as mime from './mime.js'

/** Longest name we write, in bytes: well under every common file system's 255. */
export const MAX_NAME_BYTES = 200

const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i
const TOKENS = ['name', 'stem', 'ext', 'index', 'n', 'taskId'] as const

/** Where the MIME table's first choice is not the extension people expect. */
const EXTENSION_OVERRIDES: Record<string, string> = {
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/ogg': '.ogg',
  'video/quicktime': '.mov',
  'application/octet-stream': '',
  'binary/octet-stream': ''
}

/** Percent-decodes what decodes; a malformed escape stays as written (its `%` becomes `_` later). */
function lenientDecode(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, run => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}

/**
 * One path segment made portable and harmless: decoded, only `[A-Za-z0-9._-]` kept (others become
 * `_`, so `/`, `\` and `..` can never climb out), no leading dot, no trailing dot, not a Windows
 * device name, at most 200 bytes. May return '' (the caller supplies a fallback).
 */
export function sanitizeSegment(raw: string): string {
  let name = lenientDecode(raw)
    .replace(/[^A-Za-z0-9._-]/gu, '_')
    .replace(/^\.+/, '')
    .replace(/\.+$/, '')
  if (RESERVED.test(name)) name = `_${name}`
  if (name.length > MAX_NAME_BYTES) {
    const ext = path.extname(name)
    const keep = ext.length <= 16 ? ext : ''
    name = (name.slice(0, MAX_NAME_BYTES - keep.length) + keep).replace(/\.+$/, '')
  }
  return name
}

export interface UrlName {
  /** Safe stem ('' when the URL has no usable name). */
  stem: string
  /** A known extension with its dot, or '' (then Content-Type decides). */
  ext: string
}

/** The stem and extension a file URL's last path segment gives. */
export function nameFromUrl(url: string): UrlName {
  const segments = new URL(url).pathname.split('/').filter(s => s !== '')
  const name = sanitizeSegment(segments.at(-1) ?? '')
  const ext = path.extname(name)
  // Only an extension the MIME table knows counts: `<base64>` names and `file.v2` have none.
  if (ext && ext.length < name.length && mime.lookup(ext)) {
    return { stem: name.slice(0, -ext.length), ext: ext.toLowerCase() }
  }
  return { stem: name, ext: '' }
}

/** `.mp3` for `audio/mpeg`, '' when the type says nothing useful. */
export function extFromContentType(contentType: string | null | undefined): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase()
  if (!type) return ''
  if (Object.hasOwn(EXTENSION_OVERRIDES, type)) return EXTENSION_OVERRIDES[type]
  const ext = mime.extension(type)
  return ext ? `.${ext}` : ''
}

export interface NameParts {
  stem: string
  ext: string
  /** 1-based position in the whole list, each task's results expanded where the task stood. */
  index: number
  /** 1-based position among its task's results (main results first, then extras); 1 for a listed URL. */
  n: number
  taskId: string | null
}

/** The unknown `{token}`s of a template ([] when it is valid). */
export function unknownTokens(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)]
    .map(m => m[1])
    .filter(t => !(TOKENS as readonly string[]).includes(t))
}

/**
 * The relative path (with `/`) a template gives: every segment rendered, then sanitised as a whole,
 * empty segments dropped, and a `file-{index}` fallback so the name is never empty.
 */
export function renderName(template: string, parts: NameParts): string {
  const stem = parts.stem || `file-${parts.index}`
  const values: Record<(typeof TOKENS)[number], string> = {
    name: stem + parts.ext,
    stem,
    ext: parts.ext,
    index: String(parts.index),
    n: String(parts.n),
    taskId: sanitizeSegment(parts.taskId ?? '')
  }
  const segments = template
    .split('/')
    .map(segment =>
      sanitizeSegment(segment.replace(/\{(\w+)\}/g, (_, t: keyof typeof values) => values[t]))
    )
    .filter(s => s !== '')
  if (segments.length === 0) return `file-${parts.index}${parts.ext}`
  return segments.join('/')
}

/** `a/b.png` with suffix 2 is `a/b-2.png`: the suffix goes before the extension of the last segment. */
export function withSuffix(relPath: string, n: number, ext: string): string {
  const slash = relPath.lastIndexOf('/')
  const dir = relPath.slice(0, slash + 1)
  const base = relPath.slice(slash + 1)
  const cut =
    ext && base.toLowerCase().endsWith(ext.toLowerCase()) ? ext.length : path.extname(base).length
  const stem = base.slice(0, base.length - cut)
  const tail = base.slice(base.length - cut)
  const suffix = `-${n}`
  return dir + stem.slice(0, MAX_NAME_BYTES - suffix.length - tail.length) + suffix + tail
}

/** Where a template puts the file's extension: not at all, only at its very end, or before its end. */
export function extPlacement(template: string): 'none' | 'end' | 'inside' {
  const uses = template.match(/\{(?:name|ext)\}/g) ?? []
  if (uses.length === 0) return 'none'
  return uses.length === 1 && /\{(?:name|ext)\}$/.test(template) ? 'end' : 'inside'
}

/**
 * The longest base of a name whose extension is not known yet: with a `-N` suffix and the longest
 * extension added it still fits in MAX_NAME_BYTES, so the base is never cut again once the
 * extension is known.
 */
export const MAX_OPEN_BASE_BYTES = MAX_NAME_BYTES - 24
