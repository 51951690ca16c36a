// Parses the lists of `urls`, `urls-file` and `task-ids` (plain lines or a JSON array) into listed items.
import { InputError } from '../errors.js'
import { FAMILY_NAMES, type FamilyName } from '../constants.js'
import { oneLine, redactUrl } from '../util/safe-text.js'

/** Where a list came from, shared by all its items so that a 200,000-line list stays small. */
export interface Origin {
  /** The input that holds the list. */
  input: string
  /** Plain lists are counted by line, JSON arrays by item. */
  form: 'line' | 'item'
  /**
   * Whether its text may be echoed in errors. `urls` and `task-ids` are the workflow's own text;
   * `urls-file` may be a committed symlink to a secrets file, so nothing of it is ever quoted.
   */
  quote: boolean
}

export interface ListedUrl {
  kind: 'url'
  /** Normalised by the URL parser. */
  url: string
  taskId: string | null
  origin: Origin
  /** 1-based line or item number within its list. */
  at: number
}

export interface ListedTask {
  kind: 'task'
  taskId: string
  /** Its own `type`, or null when `task-type` decides. */
  type: FamilyName | null
  origin: Origin
  at: number
}

export type Listed = ListedUrl | ListedTask

/** A task ID as listed in `task-ids`, with its own `type` when the JSON form gave one. */
export interface ListedId {
  taskId: string
  type: FamilyName | null
  origin: Origin
  at: number
}

/** Task IDs longer than this are not kie.ai's (theirs are about 32 characters); it also caps echoes. */
const MAX_TASK_ID = 200

/** What a failed `jq -r .data.taskId` (or its Python or JavaScript peers) leaves in place of an ID. */
const NO_ID_WORDS = new Set(['null', 'undefined', 'none'])

const URL_FORM =
  'an absolute http(s) URL without user or password, e.g. https://tempfile.aiquickdraw.com/v/abc.png'
const TYPES = `one of ${FAMILY_NAMES.join(', ')}`

/** `on line 3` or `in item 2`: where in its own list an item stands. */
export function place(origin: Origin, at: number): string {
  return `${origin.form === 'line' ? 'on' : 'in'} ${origin.form} ${at}`
}

/** `on line 3 of 'urls'`: where an item stands, for errors about another input. */
export function placeOf(item: { origin: Origin; at: number }): string {
  return `${place(item.origin, item.at)} of '${item.origin.input}'`
}

/**
 * The entries of `urls` or `urls-file`: URLs separated by newlines and/or commas (blank lines and
 * `#` comment lines skipped), or a JSON array of URL strings, `{"url", "taskId"}` objects and
 * `{"taskId", "type"}` task objects.
 */
export function parseEntryList(text: string, input: string, quote: boolean): Listed[] {
  return readList<Listed>(
    text,
    input,
    quote,
    (value, origin, at) => ({
      kind: 'url',
      url: checkUrl(value, origin.input, quoted(origin, value), place(origin, at)),
      taskId: null,
      origin,
      at
    }),
    jsonEntry
  )
}

/** The IDs of `task-ids`: separated by newlines and/or commas, or a JSON array of strings and `{"taskId", "type"}` objects. */
export function parseTaskIds(text: string, input: string): ListedId[] {
  return readList<ListedId>(
    text,
    input,
    true,
    (value, origin, at) => ({ taskId: checkTaskId(value, origin, at), type: null, origin, at }),
    jsonTaskId
  )
}

function readList<T>(
  text: string,
  input: string,
  quote: boolean,
  plain: (value: string, origin: Origin, at: number) => T,
  json: (item: unknown, origin: Origin, at: number) => T
): T[] {
  const start = text.search(/\S/)
  if (start === -1) return []
  if (text[start] !== '[') return readPlain(text, { input, form: 'line', quote }, plain)
  let items: unknown[]
  try {
    // Text that starts with `[` and parses is always an array: no other shape can come back.
    items = JSON.parse(text) as unknown[]
  } catch (error) {
    throw new InputError(
      input,
      // V8 quotes the text around the error, maybe part of a signed URL or a secret: position only.
      `is not valid JSON${jsonPosition(text, error)}`,
      'a JSON array of URL strings, {"url": "...", "taskId": "..."} objects or {"taskId": "...", "type": "..."} tasks'
    )
  }
  const origin: Origin = { input, form: 'item', quote }
  const out: T[] = []
  for (let i = 0; i < items.length; i++) out.push(json(items[i], origin, i + 1))
  return out
}

/** One pass over the lines: linear in the text, with no array of lines held beside the result. */
function readPlain<T>(
  text: string,
  origin: Origin,
  plain: (value: string, origin: Origin, at: number) => T
): T[] {
  const out: T[] = []
  const breaks = /\r\n?|\n/g
  let line = 0
  let from = 0
  while (from <= text.length) {
    const found = breaks.exec(text)
    const to = found ? found.index : text.length
    line++
    const content = text.slice(from, to).trim()
    if (content !== '' && !content.startsWith('#')) {
      for (const part of content.split(',')) {
        const value = part.trim()
        if (value !== '') out.push(plain(value, origin, line))
      }
    }
    if (!found) break
    from = breaks.lastIndex
  }
  return out
}

function jsonEntry(item: unknown, origin: Origin, at: number): Listed {
  const where = place(origin, at)
  const expected =
    'a URL string, an object {"url": "...", "taskId": "..."} or a task {"taskId": "...", "type": "..."}'
  if (typeof item === 'string') {
    return {
      kind: 'url',
      url: checkUrl(item.trim(), origin.input, quoted(origin, item), where),
      taskId: null,
      origin,
      at
    }
  }
  const record = jsonObject(item, origin, at, ['url', 'taskId', 'type'], expected)
  const taskId = jsonTaskIdField(record, origin, at, expected)
  if (record.url === undefined) {
    if (taskId === null && 'taskId' in record) throw noTaskId(origin, at, 'an empty "taskId"')
    if (taskId === null) {
      throw new InputError(origin.input, `has neither a "url" nor a "taskId" ${where}`, expected)
    }
    return { kind: 'task', taskId, type: jsonType(record, origin, at), origin, at }
  }
  if (typeof record.url !== 'string') {
    throw new InputError(origin.input, `has a "url" that is not a string ${where}`, expected)
  }
  if (record.type !== undefined) {
    throw new InputError(
      origin.input,
      `has a "type" beside a "url" ${where}`,
      'a "type" only in a task item, one without "url" (a URL is downloaded as it is)'
    )
  }
  return {
    kind: 'url',
    url: checkUrl(record.url.trim(), origin.input, quoted(origin, record.url), where),
    taskId,
    origin,
    at
  }
}

function jsonTaskId(item: unknown, origin: Origin, at: number): ListedId {
  const expected = 'a task ID string or an object {"taskId": "...", "type": "..."}'
  if (typeof item === 'string') {
    if (item.trim() === '') throw noTaskId(origin, at, 'an empty task ID')
    return { taskId: checkTaskId(item.trim(), origin, at), type: null, origin, at }
  }
  if (item === null) throw noTaskId(origin, at, 'null')
  const record = jsonObject(item, origin, at, ['taskId', 'type'], expected)
  const taskId = jsonTaskIdField(record, origin, at, expected)
  if (taskId === null && 'taskId' in record) throw noTaskId(origin, at, 'an empty "taskId"')
  if (taskId === null) {
    throw new InputError(origin.input, `has no "taskId" ${place(origin, at)}`, expected)
  }
  return { taskId, type: jsonType(record, origin, at), origin, at }
}

function jsonObject(
  item: unknown,
  origin: Origin,
  at: number,
  keys: string[],
  expected: string
): Record<string, unknown> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    const what = item === null ? 'null' : Array.isArray(item) ? 'an array' : `a ${typeof item}`
    throw new InputError(origin.input, `has ${what} as item ${at}`, expected)
  }
  const record = item as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) {
      const name = origin.quote ? ` "${oneLine(key, 40)}"` : ''
      throw new InputError(origin.input, `has an unknown key${name} ${place(origin, at)}`, expected)
    }
  }
  return record
}

/** The `taskId` of a JSON object: a checked ID, or null when it is absent or blank. */
function jsonTaskIdField(
  record: Record<string, unknown>,
  origin: Origin,
  at: number,
  expected: string
): string | null {
  const value = record.taskId ?? null
  if (value === null) return null
  if (typeof value !== 'string') {
    throw new InputError(
      origin.input,
      `has a "taskId" that is not a string ${place(origin, at)}`,
      expected
    )
  }
  const trimmed = value.trim()
  return trimmed === '' ? null : checkTaskId(trimmed, origin, at)
}

function jsonType(record: Record<string, unknown>, origin: Origin, at: number): FamilyName | null {
  const value = record.type ?? null
  if (value === null) return null
  if (typeof value === 'string' && (FAMILY_NAMES as readonly string[]).includes(value)) {
    return value as FamilyName
  }
  const shown = origin.quote && typeof value === 'string' ? ` "${oneLine(value, 40)}"` : ''
  throw new InputError(origin.input, `has an unknown task type${shown} ${place(origin, at)}`, TYPES)
}

/**
 * A task ID that is not one: what a generation step that failed hands on (`null` from
 * `jq -r .data.taskId`, an empty string, a JSON null). Said before any request is made.
 */
function noTaskId(origin: Origin, at: number, what: string): InputError {
  return new InputError(
    origin.input,
    `has ${what} as the task ID ${place(origin, at)}, so the generation step that made it probably failed`,
    "the taskId of kie.ai's answer to the generation call; check that step's answer (its code and msg)"
  )
}

function checkTaskId(id: string, origin: Origin, at: number): string {
  const where = place(origin, at)
  const expected = `a task ID such as task12345, at most ${MAX_TASK_ID} characters`
  if (NO_ID_WORDS.has(id.toLowerCase())) {
    throw noTaskId(origin, at, origin.quote ? `"${id}"` : 'null, undefined or None')
  }
  // A line break would be harmless in JSON but confusing everywhere else; control characters never belong.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) {
    throw new InputError(
      origin.input,
      `has a task ID with a control character or line break ${where}`,
      expected
    )
  }
  if (/\s/.test(id)) {
    throw new InputError(
      origin.input,
      `has a task ID with a space inside ${where}`,
      'one task ID per line or between commas'
    )
  }
  if (id.length > MAX_TASK_ID) {
    throw new InputError(
      origin.input,
      `has a task ID of ${id.length} characters ${where}`,
      expected
    )
  }
  return id
}

/** The value to show in an error: redacted and capped, or nothing when its list may not be quoted. */
function quoted(origin: Origin, value: string): string | undefined {
  return origin.quote ? value : undefined
}

/**
 * An absolute http(s) URL without credentials. `shown` is the text an error may quote (redacted,
 * capped), undefined when nothing may be quoted; `where` says where it stands in its list.
 */
export function checkUrl(value: string, input: string, shown?: string, where?: string): string {
  const at = where ? ` ${where}` : ''
  let url: URL
  try {
    url = new URL(value)
  } catch {
    const text = shown === undefined ? '' : ` "${oneLine(redactUrl(shown.trim()), 200)}"`
    throw new InputError(input, `has an invalid URL${text}${at}`, URL_FORM)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    const scheme =
      shown === undefined ? 'another scheme than http(s)' : `scheme "${oneLine(url.protocol, 40)}"`
    throw new InputError(input, `has a URL with ${scheme}${at}`, URL_FORM)
  }
  if (url.username || url.password) {
    const host = shown === undefined ? '' : ` (${oneLine(url.host, 100)})`
    throw new InputError(input, `has a URL with credentials${host}${at}`, URL_FORM)
  }
  return url.href
}

/** ` (line 2, column 5)` from V8's `position N`, counted in the whole text; '' when it gives none. */
function jsonPosition(text: string, error: unknown): string {
  const match = /position (\d+)/.exec((error as Error).message)
  if (!match) return ''
  const position = Number(match[1])
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return ` (line ${line}, column ${position - lineStart + 1})`
}
