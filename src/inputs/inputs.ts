// Reads and validates every input once, into one typed settings object; nothing else reads inputs.
import * as core from '@actions/core'
import { Inputs, type EndpointName } from '../constants.js'
import { InputError } from '../errors.js'
import type { EmptyList, Shard } from '../results.js'
import { extPlacement, nameFromUrl, unknownTokens } from '../util/names.js'
import { FAMILY_NAMES, type FamilyName } from '../constants.js'
import {
  checkUrl,
  parseEntryList,
  parseTaskIds,
  placeOf,
  type Listed,
  type ListedId
} from './entry-list.js'
import {
  boolean,
  destination,
  inShard,
  integer,
  isLoopback,
  oneOf,
  parseShard,
  refuseControlChars,
  seconds,
  shown
} from './settings.js'
import { readUrlsFile } from './urls-file.js'
import { scrubKey } from '../util/safe-text.js'

export { inShard } from './settings.js'

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
  /** Another shard's entry: named with the whole list, so names agree across shards, never fetched. */
  foreign?: boolean
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
  /** Another shard's entry (never: a sharded list holds no task). */
  foreign?: boolean
}

export type Entry = UrlEntry | TaskEntry

export type ResultsChoice = 'main' | 'all'

/** What an empty list means for the step (upload-artifact's `if-no-files-found`). */
export type IfNoFilesFound = 'warn' | 'error' | 'ignore'

/** How much the job summary shows: every row, the failed rows only, or nothing. */
export type SummaryChoice = 'full' | 'failures' | 'off'

export interface Settings {
  /** kie.ai API key; already masked. */
  apiKey: string
  /**
   * Every entry of the whole list, in input order: URLs, and tasks whose results to fetch. With
   * `shard`, the entries of other shards are there too, marked `foreign`: names come from the
   * whole list.
   */
  entries: Entry[]
  /** This runner's share of the list, or null for all of it. */
  shard: Shard | null
  /** Why this run has nothing to download (no entry of its own), or null. */
  empty: EmptyList | null
  ifNoFilesFound: IfNoFilesFound
  summary: SummaryChoice
  /** API root without a trailing slash. */
  baseUrl: string
  /** Absolute destination directory (`~` already expanded). */
  dir: string
  /** Name template, e.g. `{taskId}/{index}-{name}`. */
  filename: string
  ifExists: IfExists
  /** API calls at once, and downloads at once (each): up to four times as many entries are under way. */
  concurrency: number
  /** Retries per request. */
  retries: number
  /** Milliseconds without progress before a request is abandoned. */
  timeoutMs: number
  /** How long tasks may still be running, in milliseconds from the step's start (0: one look). */
  waitMs: number
  /** `main`: the generated files only; `all`: also each family's extras. */
  results: ResultsChoice
  failOnError: boolean
}

/** The longest `wait`: GitHub stops a job after 6 hours anyway. */
const MAX_WAIT_SECONDS = 21_600

const TYPES = `one of ${FAMILY_NAMES.join(', ')}`

/** Inputs that hold lists over several lines; every other input holds one line (the key has its own check). */
const MULTI_LINE: ReadonlySet<string> = new Set([Inputs.ApiKey, Inputs.Urls, Inputs.TaskIds])

/** Reads all inputs. Throws InputError, naming the input, before any request is made. */
export function getInputs(): Settings {
  const apiKey = core.getInput(Inputs.ApiKey, { required: true })
  // Masked before anything else can print it, even when it is about to be rejected; scrubbed from
  // whatever kie.ai or a file host says back, before that reaches a file.
  core.setSecret(apiKey)
  scrubKey(apiKey)
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

  for (const name of Object.values(Inputs)) if (!MULTI_LINE.has(name)) refuseControlChars(name)

  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const filename = core.getInput(Inputs.Filename)
  const unknown = unknownTokens(filename)
  if (!filename.trim() || unknown.length > 0) {
    throw new InputError(
      Inputs.Filename,
      unknown.length ? `has an unknown token {${oneToken(unknown[0])}}` : 'is empty',
      'a template using {name}, {stem}, {ext} (with its dot, e.g. .png), {index}, {n} or {taskId}'
    )
  }

  const shard = parseShard(Inputs.Shard)
  const { entries, given } = readEntries(workspace, shard, filename)
  const own = entries.reduce((n, e) => n + (e.foreign ? 0 : 1), 0)

  return {
    apiKey,
    entries,
    shard,
    empty: own > 0 ? null : emptyList(given, entries.length),
    ifNoFilesFound: oneOf(Inputs.IfNoFilesFound, ['warn', 'error', 'ignore'] as const),
    summary: oneOf(Inputs.Summary, ['full', 'failures', 'off'] as const),
    baseUrl: checkBaseUrl(core.getInput(Inputs.BaseUrl)),
    dir: destination(Inputs.Path, workspace),
    filename,
    ifExists: oneOf(Inputs.IfExists, ['overwrite', 'skip', 'fail'] as const),
    concurrency: integer(Inputs.Concurrency, 1, 32),
    retries: integer(Inputs.Retries, 0, 10),
    timeoutMs: seconds(Inputs.Timeout, 3600) * 1000,
    waitMs: seconds(Inputs.Wait, MAX_WAIT_SECONDS, true) * 1000,
    results: oneOf(Inputs.Results, ['main', 'all'] as const),
    failOnError: boolean(Inputs.FailOnError)
  }
}

/** The destination for the outputs of a run that stopped at an input error: '' when `path` itself is bad. */
export function destinationOrEmpty(): string {
  try {
    return destination(Inputs.Path, process.env.GITHUB_WORKSPACE || process.cwd())
  } catch {
    return ''
  }
}

/**
 * Every entry in input order: `urls`, then `urls-file`, then the tasks of `task-ids`; `index`
 * counts over that whole list. With `shard`, other shards' entries are marked `foreign`.
 */
function readEntries(
  workspace: string,
  shard: Shard | null,
  filename: string
): { entries: Entry[]; given: string[] } {
  const given: string[] = []
  // Untrimmed, so that line numbers in errors are those of the value as written. (getMultilineInput
  // would drop blank lines, and with them the numbering, and would split a JSON array.)
  const urlsText = core.getInput(Inputs.Urls, { trimWhitespace: false })
  if (urlsText.trim()) given.push(Inputs.Urls)
  const listed = parseEntryList(urlsText, Inputs.Urls, true)
  const urlsFile = core.getInput(Inputs.UrlsFile)
  if (urlsFile) {
    given.push(Inputs.UrlsFile)
    // A loop, not push(...spread): 200,000 arguments would overflow the stack.
    for (const item of parseEntryList(readUrlsFile(workspace, urlsFile), Inputs.UrlsFile, false)) {
      listed.push(item)
    }
  }
  const idsText = core.getInput(Inputs.TaskIds, { trimWhitespace: false })
  if (idsText.trim()) given.push(Inputs.TaskIds)
  const ids = parseTaskIds(idsText, Inputs.TaskIds)
  const endpoint = oneOf(Inputs.Endpoint, ['auto', 'common', 'gpt4o-image'] as const)
  const taskType = readTaskType()
  // With a type (task-type, or an item's own), task IDs are tasks to download, beside any URLs;
  // without one, and with URLs listed, they label those URLs for the gpt4o-image endpoint.
  const areTasks = taskType !== null || ids.some(id => id.type !== null)
  const urlCount = listed.reduce((n, item) => n + (item.kind === 'url' ? 1 : 0), 0)
  const pairedIds = urlCount > 0 && !areTasks ? pairTaskIds(urlCount, ids) : null
  if (pairedIds === null) {
    for (const id of ids) listed.push({ kind: 'task', ...id })
  }
  if (shard) checkShardable(listed, filename, shard)

  const entries: Entry[] = []
  let urlIndex = 0
  for (const item of listed) {
    const index = entries.length + 1
    let entry: Entry
    if (item.kind === 'url') {
      const taskId = item.taskId ?? pairedIds?.[urlIndex] ?? null
      urlIndex++
      entry = urlEntry(item, index, taskId, endpoint)
    } else {
      entry = taskEntry(item, index, taskType, endpoint)
    }
    if (shard && !inShard(shardKey(entry), shard)) entry.foreign = true
    entries.push(entry)
  }
  return { entries, given }
}

/**
 * Every shard names every entry from the whole list, so that merging the shards' folders gives
 * the names of an unsharded run. Refused where a shard could not know what a name depends on.
 */
function checkShardable(listed: Listed[], filename: string, shard: Shard): void {
  const task = listed.find(item => item.kind === 'task')
  if (task) {
    throw new InputError(
      Inputs.Shard,
      `is "${shard.index}/${shard.total}", but the list holds a task (${placeOf(task)})`,
      "file URLs only: a task's files are known only to the shard that runs it, so the other shards could not name the files after it (give each job its own task IDs and path instead)"
    )
  }
  if (extPlacement(filename) !== 'inside') return
  const open = listed.find(item => item.kind === 'url' && nameFromUrl(item.url).ext === '')
  if (open) {
    throw new InputError(
      Inputs.Filename,
      `has {name} or {ext} before its end, but with 'shard' set the list holds a URL without an extension (${placeOf(open)})`,
      "{name} or {ext} only at the end, as in {index}-{name}: that URL's extension comes from its Content-Type, which only its own shard sees"
    )
  }
}

/** Why nothing is to be downloaded: nothing given, nothing listed, or nothing in this shard. */
function emptyList(given: string[], total: number): EmptyList {
  const kind = given.length === 0 ? 'none-given' : total === 0 ? 'no-entries' : 'shard'
  const file = given.includes(Inputs.UrlsFile) ? core.getInput(Inputs.UrlsFile) : null
  return { kind, inputs: given, file, total }
}

function urlEntry(
  item: Listed & { kind: 'url' },
  index: number,
  taskId: string | null,
  endpoint: EndpointName | 'auto'
): UrlEntry {
  const chosen: EndpointName = endpoint === 'auto' ? (taskId ? 'gpt4o-image' : 'common') : endpoint
  if (chosen === 'gpt4o-image' && !taskId) {
    throw new InputError(
      Inputs.TaskIds,
      `has no task ID for the URL ${placeOf(item)}`,
      `a task ID for every URL when '${Inputs.Endpoint}' is gpt4o-image`
    )
  }
  return { kind: 'url', index, url: item.url, taskId, endpoint: chosen }
}

function taskEntry(
  item: Listed & { kind: 'task' },
  index: number,
  taskType: FamilyName | null,
  endpoint: EndpointName | 'auto'
): TaskEntry {
  const type = item.type ?? taskType
  if (type === null) {
    throw new InputError(
      Inputs.TaskType,
      `is empty, but the task ${placeOf(item)} has no type of its own`,
      TYPES
    )
  }
  if (endpoint === 'gpt4o-image' && type !== '4o-image') {
    throw new InputError(
      Inputs.Endpoint,
      `is gpt4o-image, but the task ${placeOf(item)} is a ${type} task`,
      'auto or common: only 4o-image results resolve through gpt4o-image'
    )
  }
  const chosen: EndpointName =
    endpoint !== 'common' && type === '4o-image' ? 'gpt4o-image' : 'common'
  return { kind: 'task', index, taskId: item.taskId, type, endpoint: chosen }
}

/** Task IDs without a type label the URLs: all (one ID), by position (one per URL), or none. */
function pairTaskIds(urlCount: number, ids: ListedId[]): (string | null)[] {
  if (ids.length <= 1) return Array.from({ length: urlCount }, () => ids[0]?.taskId ?? null)
  if (ids.length === urlCount) return ids.map(id => id.taskId)
  throw new InputError(
    Inputs.TaskIds,
    `has ${ids.length} IDs for ${urlCount} URLs`,
    'none, one for every URL, or exactly one per URL in the same order (or, with task-type set, tasks to download)'
  )
}

function readTaskType(): FamilyName | null {
  const value = core.getInput(Inputs.TaskType)
  if (value === '') return null
  if (!(FAMILY_NAMES as readonly string[]).includes(value)) {
    throw new InputError(Inputs.TaskType, `is ${shown(value)}`, `${TYPES}, or empty`)
  }
  return value as FamilyName
}

/** What a shard splits by: the URL of a file, the task ID of a task. */
function shardKey(entry: Entry): string {
  return entry.kind === 'url' ? entry.url : `task:${entry.taskId}`
}

/** An http(s) API root; plain http only to this machine, as the key goes with every call. */
function checkBaseUrl(value: string): string {
  const url = new URL(checkUrl(value, Inputs.BaseUrl, value))
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new InputError(
      Inputs.BaseUrl,
      `is ${shown(value)}: plain http would send the API key unencrypted to ${oneToken(url.host)}`,
      'an https:// URL (http:// only for 127.0.0.1, ::1 or localhost, e.g. a local test server)'
    )
  }
  return url.href.replace(/\/+$/, '')
}

function oneToken(token: string): string {
  return shown(token).slice(1, -1)
}
