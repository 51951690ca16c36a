// Reads and validates every input once, into one typed settings object; nothing else reads inputs.
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Inputs, type EndpointName } from '../constants.js'
import { InputError } from '../errors.js'
import { unknownTokens } from '../place/naming.js'
import type { FamilyName } from '../tasks/families.js'
import { redactUrl, stripQueries } from '../util/safe-text.js'

export type IfExists = 'overwrite' | 'skip' | 'fail'

/** One file to fetch, as listed. */
export interface UrlEntry {
  kind: 'url'
  /** 1-based position in the whole list (`urls`, then `urls-file`, then `task-ids` in task mode). */
  index: number
  /** The kie.ai file URL, normalised. */
  url: string
  taskId: string | null
  /** Which endpoint resolves it (`endpoint: auto` already decided). */
  endpoint: EndpointName
}

/** One task whose result files to fetch (task mode, or a `{"taskId", "type"}` item of a list). */
export interface TaskEntry {
  kind: 'task'
  /** 1-based position in the whole list, as for URL entries. */
  index: number
  taskId: string
  type: FamilyName
  /** The endpoint its results are resolved through: gpt4o-image for 4o-image unless `endpoint: common`. */
  endpoint: EndpointName
}

export type Entry = UrlEntry | TaskEntry

export interface Settings {
  /** kie.ai API key; already masked. */
  apiKey: string
  /** Every entry, in input order. (UrlEntry until task mode lands; then Entry.) */
  entries: UrlEntry[]
  /** API root without a trailing slash. */
  baseUrl: string
  /** Absolute destination directory. */
  dir: string
  /** Name template, e.g. `{taskId}/{index}-{name}`. */
  filename: string
  ifExists: IfExists
  /** Entries in flight at once. */
  concurrency: number
  /** Retries per request. */
  retries: number
  /** Milliseconds without progress before a request is abandoned. */
  timeoutMs: number
  failOnError: boolean
}

/** This runner's share of the entries (`index` is 1-based). */
export interface Shard {
  index: number
  total: number
}

interface ListedEntry {
  url: string
  taskId: string | null
}

/** Reads all inputs. Throws InputError, naming the input, before any request is made. */
export function getInputs(): Settings {
  const apiKey = core.getInput(Inputs.ApiKey, { required: true })
  // Masked before anything else can print it, even when it is about to be rejected.
  core.setSecret(apiKey)
  if (!apiKey) {
    throw new InputError(
      Inputs.ApiKey,
      'is empty',
      'a kie.ai API key, e.g. ${{ secrets.KIE_API_KEY }}'
    )
  }
  if (/\s/.test(apiKey)) {
    throw new InputError(
      Inputs.ApiKey,
      'contains whitespace or a line break',
      'the key alone, as kie.ai shows it'
    )
  }

  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const listed = parseEntryList(core.getInput(Inputs.Urls), Inputs.Urls)
  const urlsFile = core.getInput(Inputs.UrlsFile)
  if (urlsFile) listed.push(...parseEntryList(readUrlsFile(workspace, urlsFile), Inputs.UrlsFile))
  if (listed.length === 0) {
    throw new InputError(
      Inputs.Urls,
      'gave no file URL',
      `at least one URL in '${Inputs.Urls}' or '${Inputs.UrlsFile}'`
    )
  }

  const taskIds = pairTaskIds(listed, splitList(core.getInput(Inputs.TaskIds)))
  const endpoint = oneOf(Inputs.Endpoint, ['auto', 'common', 'gpt4o-image'] as const)
  const entries = listed.map((item, i): UrlEntry => {
    const taskId = item.taskId ?? taskIds[i]
    const chosen: EndpointName =
      endpoint === 'auto' ? (taskId ? 'gpt4o-image' : 'common') : endpoint
    if (chosen === 'gpt4o-image' && !taskId) {
      throw new InputError(
        Inputs.TaskIds,
        `has no task ID for entry ${i + 1} (${redactUrl(item.url)})`,
        `a task ID for every URL when '${Inputs.Endpoint}' is gpt4o-image`
      )
    }
    return { kind: 'url', index: i + 1, url: item.url, taskId, endpoint: chosen }
  })

  const filename = core.getInput(Inputs.Filename)
  const unknown = unknownTokens(filename)
  if (!filename.trim() || unknown.length > 0) {
    throw new InputError(
      Inputs.Filename,
      unknown.length ? `has unknown token {${unknown[0]}}` : 'is empty',
      'a template using {name}, {stem}, {ext}, {index}, {taskId}'
    )
  }

  const shard = parseShard(core.getInput(Inputs.Shard))

  return {
    apiKey,
    entries: shard ? entries.filter(e => inShard(e.url, shard)) : entries,
    baseUrl: checkUrl(core.getInput(Inputs.BaseUrl), Inputs.BaseUrl).replace(/\/+$/, ''),
    dir: path.resolve(workspace, required(Inputs.Path)),
    filename,
    ifExists: oneOf(Inputs.IfExists, ['overwrite', 'skip', 'fail'] as const),
    concurrency: integer(Inputs.Concurrency, 1, 32),
    retries: integer(Inputs.Retries, 0, 10),
    timeoutMs: seconds(Inputs.Timeout) * 1000,
    failOnError: boolean(Inputs.FailOnError)
  }
}

/**
 * The entries of one list in either form: URLs separated by newlines and/or commas, or a JSON array
 * of URL strings and `{"url", "taskId"}` objects. Every URL is checked.
 */
export function parseEntryList(text: string, input: string): ListedEntry[] {
  const trimmed = text.trim()
  if (!trimmed.startsWith('[')) {
    return splitList(trimmed).map(url => ({
      url: checkUrl(url, input),
      taskId: null
    }))
  }
  let items: unknown
  try {
    items = JSON.parse(trimmed)
  } catch (error) {
    throw new InputError(
      input,
      // V8 quotes the text around the error, maybe part of a signed URL: give the position only.
      `is not valid JSON${jsonPosition(error)}`,
      'a JSON array of URL strings or {"url": "...", "taskId": "..."} objects'
    )
  }
  if (!Array.isArray(items)) {
    throw new InputError(
      input,
      'is JSON but not an array',
      'a JSON array of URL strings or {"url": "...", "taskId": "..."} objects'
    )
  }
  return items.map((item, i) => jsonEntry(item, i, input))
}

function jsonEntry(item: unknown, i: number, input: string): ListedEntry {
  const expected = 'a URL string or an object {"url": "...", "taskId": "..."}'
  if (typeof item === 'string') return { url: checkUrl(item.trim(), input), taskId: null }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InputError(
      input,
      `item ${i + 1} is ${item === null ? 'null' : typeof item}`,
      expected
    )
  }
  const record = item as Record<string, unknown>
  const extra = Object.keys(record).filter(k => k !== 'url' && k !== 'taskId')
  if (extra.length > 0) {
    throw new InputError(
      input,
      `item ${i + 1} has unknown key "${stripQueries(extra[0]).slice(0, 40)}"`,
      expected
    )
  }
  if (typeof record.url !== 'string')
    throw new InputError(input, `item ${i + 1} has no "url" string`, expected)
  const taskId = record.taskId ?? null
  if (taskId !== null && typeof taskId !== 'string') {
    throw new InputError(input, `item ${i + 1} has a "taskId" that is not a string`, expected)
  }
  return {
    url: checkUrl(record.url.trim(), input),
    taskId: checkTaskId((taskId as string | null)?.trim() || null, input)
  }
}

/** Items separated by newlines and/or commas; blank items and surrounding spaces ignored. */
export function splitList(text: string): string[] {
  return text
    .split(/[\r\n,]+/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

/** Task IDs apply to all (one), by position (one per entry), or not at all. */
function pairTaskIds(listed: ListedEntry[], ids: string[]): (string | null)[] {
  ids.forEach(id => checkTaskId(id, Inputs.TaskIds))
  if (ids.length === 0) return listed.map(() => null)
  if (ids.length === 1) return listed.map(() => ids[0])
  if (ids.length === listed.length) return ids
  throw new InputError(
    Inputs.TaskIds,
    `has ${ids.length} IDs for ${listed.length} URLs`,
    'none, one for every URL, or exactly one per URL in the same order'
  )
}

function checkTaskId(id: string | null, input: string): string | null {
  // A line break would be harmless in JSON but confusing everywhere else; control characters never belong.
  // eslint-disable-next-line no-control-regex
  if (id !== null && /[\u0000-\u001f\u007f]/.test(id)) {
    throw new InputError(
      input,
      'has a task ID with a control character or line break',
      'a task ID such as task12345'
    )
  }
  return id
}

/** An absolute http(s) URL without credentials; the value is shown without its query string. */
export function checkUrl(value: string, input: string): string {
  const expected =
    'an absolute http(s) URL without user or password, e.g. https://tempfile.aiquickdraw.com/v/abc.png'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(input, `has an invalid URL "${redactUrl(value).slice(0, 200)}"`, expected)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(input, `has a URL with scheme "${url.protocol}"`, expected)
  }
  if (url.username || url.password) {
    throw new InputError(input, `has a URL with credentials (${url.host})`, expected)
  }
  return url.href
}

/** `I/N` with 1 <= I <= N, or null when empty. */
function parseShard(value: string): Shard | null {
  if (!value) return null
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value)
  const index = Number(m?.[1])
  const total = Number(m?.[2])
  if (!m || total < 1 || total > 1000 || index < 1 || index > total) {
    throw new InputError(
      Inputs.Shard,
      `is "${value.slice(0, 40)}"`,
      'I/N with 1 <= I <= N <= 1000, e.g. 2/4, or empty'
    )
  }
  return { index, total }
}

/**
 * Whether a URL belongs to a shard: a hash of the URL, so the split is stable across runs and
 * runners, every URL lands in exactly one shard, and a URL listed twice stays in one shard.
 */
export function inShard(url: string, shard: Shard): boolean {
  return createHash('sha256').update(url).digest().readUInt32BE(0) % shard.total === shard.index - 1
}

function jsonPosition(error: unknown): string {
  const at = /position (\d+)/.exec((error as Error).message)?.[1]
  return at ? ` (at position ${at})` : ''
}

function readUrlsFile(workspace: string, file: string): string {
  const full = path.resolve(workspace, file)
  try {
    return readFileSync(full, 'utf8')
  } catch (error) {
    throw new InputError(
      Inputs.UrlsFile,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${full})`,
      'a readable file path relative to the workspace'
    )
  }
}

function required(name: string): string {
  const value = core.getInput(name)
  if (!value) throw new InputError(name, 'is empty', 'a value (see action.yml for its default)')
  return value
}

function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const value = core.getInput(name)
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(name, `is "${value.slice(0, 40)}"`, `one of ${allowed.join(', ')}`)
  }
  return value as T
}

function integer(name: string, min: number, max: number): number {
  const value = core.getInput(name)
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InputError(name, `is "${value.slice(0, 40)}"`, `a whole number from ${min} to ${max}`)
  }
  return n
}

function seconds(name: string): number {
  const value = core.getInput(name)
  const n = Number(value)
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 3600) {
    throw new InputError(
      name,
      `is "${value.slice(0, 40)}"`,
      'a number of seconds above 0 and at most 3600'
    )
  }
  return n
}

function boolean(name: string): boolean {
  const value = core.getInput(name)
  if (value.toLowerCase() === 'true') return true
  if (value.toLowerCase() === 'false') return false
  throw new InputError(name, `is "${value.slice(0, 40)}"`, 'true or false')
}
