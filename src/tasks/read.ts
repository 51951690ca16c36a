// Defensive readers for task-details answers: any shape goes in, plain values come out, nothing throws.
import { oneLine, scrub } from '../util/safe-text.js'

export type Obj = Record<string, unknown>

/**
 * The object at `value`; a JSON string holding an object is parsed (kie.ai sends `resultJson` and
 * `resultInfoJson` as strings on some pages and as objects on others). Anything else gives {}.
 */
export function obj(value: unknown): Obj {
  if (typeof value === 'string') {
    const text = value.trim()
    if (!text.startsWith('{')) return {}
    try {
      return obj(JSON.parse(text) as unknown)
    } catch {
      return {}
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {}
}

/** The array at `value` ({} and scalars give []); a JSON string holding an array is parsed. */
export function list(value: unknown): unknown[] {
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      return list(JSON.parse(value) as unknown)
    } catch {
      return []
    }
  }
  return Array.isArray(value) ? value : []
}

/** The first of `keys` that `from` holds with a value other than undefined/null. */
export function pick(from: Obj, ...keys: string[]): unknown {
  for (const key of keys) if (from[key] !== undefined && from[key] !== null) return from[key]
  return undefined
}

/** True for an absolute http(s) URL string: the only thing that counts as a result file. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return false
  try {
    new URL(value)
    return true
  } catch {
    return false
  }
}

/** The http(s) URLs among `values` (strings, or arrays of them), in order, each once. */
export function urls(...values: unknown[]): string[] {
  const found = values.flatMap(v => (Array.isArray(v) ? v : [v])).filter(isHttpUrl)
  return [...new Set(found)]
}

/**
 * A raw value as short text for logs and errors: strings as they are, others as JSON. Every text
 * read here comes from kie.ai, so it is scrubbed of the key and signatures it might echo.
 */
export function rawText(value: unknown, max = 60): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return oneLine(scrub(value), max)
  try {
    return oneLine(scrub(JSON.stringify(value) ?? ''), max)
  } catch {
    return ''
  }
}

/** A code worth showing: non-empty strings and numbers other than 0 (kie.ai's "no code"). */
export function codeText(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value) && value !== 0) return String(value)
  if (typeof value === 'string' && value.trim() !== '' && value.trim() !== '0') {
    return oneLine(scrub(value), 40)
  }
  return ''
}

/** A non-empty message string, flattened and capped, else ''. */
export function messageText(value: unknown): string {
  return typeof value === 'string' ? oneLine(scrub(value), 300) : ''
}

/**
 * A moment kie.ai reports (`createTime`) as epoch ms: epoch ms or seconds as a number or a digit
 * string, or a date text Date.parse reads; anything else, or a moment before 2020, gives null.
 */
export function timeMs(value: unknown): number | null {
  const text = typeof value === 'string' ? value.trim() : ''
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  const ms = Number.isFinite(n) ? (n < 1e11 ? n * 1000 : n) : text ? Date.parse(text) : NaN
  return Number.isFinite(ms) && ms >= Date.UTC(2020, 0, 1) ? Math.round(ms) : null
}
