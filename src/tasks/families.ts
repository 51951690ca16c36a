// The kie.ai model families in task mode: where each one's task details live and how to read them.
import { FAMILY_NAMES, type FamilyName } from '../constants.js'
import { type Obj, codeText, list, messageText, obj, pick, rawText, timeMs, urls } from './read.js'

/** What one task-details answer (`data` of the envelope) says, read the same way for every family. */
export interface TaskView {
  /** running: keep polling; unknown: a status value no document names (keep polling, log it once). */
  state: 'running' | 'success' | 'failed' | 'unknown'
  /** The raw status value as kie.ai sent it, for logs (e.g. "GENERATING", "0", "queuing"). */
  raw: string
  /**
   * The status in words for people ("generating", "lyrics ready"); a value no document names is
   * shown with its field ("successFlag 7"), never as a bare number.
   */
  status: string
  /** Progress as kie.ai reports it, when it does (e.g. "0.48"), else null. */
  progress: string | null
  /** Result file URLs, in kie.ai's order (results: main). */
  main: string[]
  /** The extras of `results: all` (thumbnails, covers, watermarked, stream, origin copies). */
  extras: string[]
  /** On failure: kie.ai's reason with its code, e.g. `content policy (code 400, status GENERATE_FAILED)`. */
  error: string | null
  /** Why a finished task lists no file, when the answer says (e.g. its result is lyrics text). */
  noFile: string | null
  /** When kie.ai says the task was created (`createTime`), epoch ms; null when it does not. */
  createdAt: number | null
}

/** One family: its endpoint and how to read its answer. */
export interface FamilyAdapter {
  /** Path of the task-details endpoint, e.g. `/api/v1/jobs/recordInfo`. */
  path: string
  /** Reads the envelope's `data` (any shape: be defensive, never throw). */
  read: (data: unknown) => TaskView
}

/**
 * One family as data. Status values are compared as text, case-insensitively, so `1` and `"1"`
 * are the same. Result getters return candidates; only http(s) strings among them count.
 */
export interface FamilySpec {
  path: string
  /** Fields holding the status; the first one present is read (sources disagree on some). */
  status: string[]
  running: string[]
  success: string[]
  failed: string[]
  /** Success when the answer lists files, else failure (Suno's CALLBACK_EXCEPTION: only the callback failed). */
  successWithFiles?: string[]
  /** Running, unless errorMessage is non-empty: then failed (Aleph's successFlag 0). */
  runningUnlessMessage?: string[]
  /** Where the failure reason lives: failCode/failMsg or errorCode/errorMessage. */
  failure: 'fail' | 'error'
  /** Words for this family's numeric status values (successFlag); named values use STATUS_WORDS. */
  words?: Record<string, string>
  /** The generated files (results: main). Never read `param`, `paramJson`, `generateParam`: inputs. */
  main: (data: Obj) => unknown[]
  /** Thumbnails, covers, watermarked, stream and origin copies (results: all). */
  extras?: (data: Obj) => unknown[]
  /** Why a success lists no file, when the answer tells (text-only results). */
  noFile?: (data: Obj) => string | null
}

/** Named status values in words, compared case-insensitively; each family's own flags are in its `words`. */
const STATUS_WORDS: Record<string, string> = {
  WAIT: 'waiting',
  WAITING: 'waiting',
  QUEUING: 'queuing',
  QUEUEING: 'queuing',
  GENERATING: 'generating',
  PENDING: 'pending',
  TEXT_SUCCESS: 'lyrics ready',
  FIRST_SUCCESS: 'first track ready',
  SUCCESS: 'success',
  FAIL: 'failed',
  CALLBACK_EXCEPTION: 'success, callback failed',
  CREATE_TASK_FAILED: 'task creation failed',
  GENERATE_FAILED: 'generation failed',
  GENERATE_AUDIO_FAILED: 'generation failed',
  GENERATE_WAV_FAILED: 'generation failed',
  GENERATE_MP4_FAILED: 'generation failed',
  SENSITIVE_WORD_ERROR: 'refused for sensitive words'
}

const FLAG = {
  status: ['successFlag'],
  running: ['0'],
  success: ['1'],
  failed: ['2', '3'],
  words: { 0: 'generating', 1: 'success', 2: 'failed', 3: 'generation failed' }
}
const response = (d: Obj): Obj => obj(d.response)
const resultUrls = (o: Obj): unknown => pick(o, 'resultUrls', 'result_urls')
const sunoSide = (failed: string) => ({
  // One page writes `status` where the others write `successFlag` (a string here).
  status: ['successFlag', 'status'],
  running: ['PENDING'],
  success: ['SUCCESS'],
  failed: ['CREATE_TASK_FAILED', failed],
  successWithFiles: ['CALLBACK_EXCEPTION'],
  failure: 'error' as const
})

/** The table: one entry per `task-type`. A new family is one more entry. */
export const FAMILY_SPECS: Record<FamilyName, FamilySpec> = {
  market: {
    path: '/api/v1/jobs/recordInfo',
    // `successFlag` beside `state` (0 waiting/queuing/generating, 1 success, 3 fail).
    status: ['state', 'successFlag'],
    running: ['waiting', 'queuing', 'generating', '0'],
    success: ['success', '1'],
    failed: ['fail', '3'],
    failure: 'fail',
    words: { 0: 'in progress', 1: 'success', 3: 'failed' },
    main: d => marketMain(marketResult(d)),
    extras: d => marketExtras(marketResult(d)),
    noFile: d => marketNoFile(marketResult(d))
  },
  '4o-image': {
    path: '/api/v1/gpt4o-image/record-info',
    status: ['status', 'successFlag'],
    running: ['GENERATING', '0'],
    success: ['SUCCESS', '1'],
    failed: ['CREATE_TASK_FAILED', 'GENERATE_FAILED', '2'],
    failure: 'error',
    words: { 0: 'generating', 1: 'success', 2: 'failed' },
    main: d => [resultUrls(response(d))]
  },
  'flux-kontext': {
    path: '/api/v1/flux/kontext/record-info',
    ...FLAG,
    failure: 'error',
    main: d => [response(d).resultImageUrl],
    extras: d => [response(d).originImageUrl]
  },
  veo: {
    path: '/api/v1/veo/record-info',
    ...FLAG,
    failure: 'error',
    main: d => [resultUrls(response(d))],
    extras: d => [response(d).originUrls, response(d).fullResultUrls]
  },
  runway: {
    path: '/api/v1/runway/record-detail',
    status: ['state'],
    running: ['wait', 'queueing', 'generating'],
    success: ['success'],
    failed: ['fail'],
    failure: 'fail',
    main: d => [obj(d.videoInfo).videoUrl],
    extras: d => [obj(d.videoInfo).imageUrl]
  },
  aleph: {
    path: '/api/v1/aleph/record-info',
    status: ['successFlag'],
    running: [],
    success: ['1'],
    failed: [],
    runningUnlessMessage: ['0'],
    failure: 'error',
    words: { 0: 'generating', 1: 'success' },
    main: d => [response(d).resultVideoUrl],
    extras: d => [response(d).resultImageUrl]
  },
  luma: {
    path: '/api/v1/modify/record-info',
    ...FLAG,
    // 4: the callback failed, the files exist.
    success: ['1', '4'],
    failure: 'error',
    words: { ...FLAG.words, 4: 'success, callback failed' },
    main: d => [resultUrls(response(d))],
    extras: d => [response(d).originUrls]
  },
  midjourney: {
    path: '/api/v1/mj/record-info',
    ...FLAG,
    failure: 'error',
    main: d =>
      list(resultUrls(obj(d.resultInfoJson))).map(e =>
        typeof e === 'string' ? e : obj(e).resultUrl
      )
  },
  suno: {
    path: '/api/v1/generate/record-info',
    status: ['status'],
    // TEXT_SUCCESS and FIRST_SUCCESS are partial: the last track is still coming.
    running: ['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS'],
    success: ['SUCCESS'],
    failed: ['CREATE_TASK_FAILED', 'GENERATE_AUDIO_FAILED', 'SENSITIVE_WORD_ERROR'],
    successWithFiles: ['CALLBACK_EXCEPTION'],
    failure: 'error',
    // Never `source*` URLs: those are suno.ai's own copies, not kie.ai's files.
    main: d => sunoTracks(d).map(t => pick(t, 'audioUrl', 'audio_url')),
    extras: d =>
      sunoTracks(d).flatMap(t => [
        pick(t, 'imageUrl', 'image_url'),
        pick(t, 'streamAudioUrl', 'stream_audio_url')
      ])
  },
  'suno-wav': {
    path: '/api/v1/wav/record-info',
    ...sunoSide('GENERATE_WAV_FAILED'),
    main: d => [response(d).audioWavUrl]
  },
  'suno-stems': {
    path: '/api/v1/vocal-removal/record-info',
    ...sunoSide('GENERATE_AUDIO_FAILED'),
    // vocalUrl, instrumentalUrl, drumsUrl, ... (up to 12); originUrl is the input track.
    main: d =>
      Object.entries(response(d))
        .filter(([key]) => key.endsWith('Url') && key !== 'originUrl')
        .map(([, value]) => value),
    extras: d => [response(d).originUrl]
  },
  'suno-mp4': {
    path: '/api/v1/mp4/record-info',
    ...sunoSide('GENERATE_MP4_FAILED'),
    main: d => [response(d).videoUrl]
  },
  'suno-cover': {
    path: '/api/v1/suno/cover/record-info',
    ...FLAG,
    failure: 'error',
    main: d => [list(response(d).images)]
  }
}

function sunoTracks(d: Obj): Obj[] {
  return list(pick(response(d), 'sunoData', 'suno_data')).map(obj)
}

/**
 * The Market result: `data.response` (resultJson already parsed; kie.ai says prefer it), else
 * `resultJson` (a JSON string, or an object). A response that lists no file yields to a
 * resultJson that does.
 */
function marketResult(d: Obj): Obj {
  const response = obj(d.response)
  const parsed = obj(d.resultJson)
  if (marketMain(response).length > 0) return response
  if (marketMain(parsed).length > 0) return parsed
  return Object.keys(response).length > 0 ? response : parsed
}

/** Suno through Market: tracks at `data[]`, snake_case as documented, camelCase accepted. */
function marketTracks(r: Obj): Obj[] {
  return list(pick(r, 'data', 'sunoData')).map(obj)
}

/** `resultUrls`, else Suno's tracks, else OmniHuman's masks: the first that lists a file. */
function marketMain(r: Obj): unknown[] {
  const masks = obj(r.resultObject)
  const found = [
    [resultUrls(r)],
    marketTracks(r).map(t => pick(t, 'audio_url', 'audioUrl')),
    [pick(masks, 'mask_urls', 'maskUrls')]
  ]
  return found.find(candidates => urls(...candidates).length > 0) ?? []
}

function marketExtras(r: Obj): unknown[] {
  return [
    r.resultWaterMarkUrls,
    ...marketTracks(r).flatMap(t => [
      pick(t, 'image_url', 'imageUrl'),
      pick(t, 'stream_audio_url', 'streamAudioUrl')
    ]),
    pick(r, 'firstFrameUrl', 'first_frame_url'),
    pick(r, 'lastFrameUrl', 'last_frame_url')
  ]
}

/** A text model (lyrics, MIDI, chat) answers `resultObject` instead of files. */
function marketNoFile(r: Obj): string | null {
  const text = r.resultObject
  if (text === undefined || text === null) return null
  const what = list(obj(text).lyricsData).length > 0 ? 'lyrics' : 'text'
  return `its result is ${what} (resultObject), not a file`
}

/** The reader for one family's answers. */
export function adapter(spec: FamilySpec): FamilyAdapter {
  return { path: spec.path, read: data => readTask(spec, data) }
}

export const FAMILIES: Record<FamilyName, FamilyAdapter> = Object.fromEntries(
  FAMILY_NAMES.map(name => [name, adapter(FAMILY_SPECS[name])])
) as Record<FamilyName, FamilyAdapter>

function readTask(spec: FamilySpec, data: unknown): TaskView {
  const d = obj(data)
  const field = spec.status.find(f => d[f] !== undefined && d[f] !== null)
  const raw = field === undefined ? '' : rawText(d[field])
  const main = safeUrls(() => spec.main(d))
  const extras = safeUrls(() => spec.extras?.(d) ?? []).filter(u => !main.includes(u))
  const progressValue = d.progress
  const view: TaskView = {
    state: 'unknown',
    raw: raw || '(no status)',
    status: statusWord(spec, field, raw),
    progress:
      typeof progressValue === 'string' || typeof progressValue === 'number'
        ? rawText(progressValue, 20) || null
        : null,
    main,
    extras,
    error: null,
    noFile: main.length > 0 ? null : safeText(() => spec.noFile?.(d) ?? null),
    createdAt: timeMs(d.createTime)
  }
  const is = (values: string[] | undefined): boolean =>
    raw !== '' && (values ?? []).some(v => v.toUpperCase() === raw.trim().toUpperCase())
  const reason = failureReason(spec, d)

  if (is(spec.success)) view.state = 'success'
  else if (is(spec.running)) view.state = 'running'
  else if (is(spec.failed)) view.state = 'failed'
  else if (is(spec.successWithFiles)) view.state = main.length > 0 ? 'success' : 'failed'
  else if (is(spec.runningUnlessMessage)) view.state = reason.message ? 'failed' : 'running'

  if (view.state === 'failed') {
    const details = [reason.code && `code ${reason.code}`, `${field} ${raw}`].filter(Boolean)
    view.error = `${reason.message || 'kie.ai gave no reason'} (${details.join(', ')})`
  }
  return view
}

function failureReason(spec: FamilySpec, d: Obj): { code: string; message: string } {
  return spec.failure === 'fail'
    ? { code: codeText(d.failCode), message: messageText(d.failMsg) }
    : { code: codeText(d.errorCode), message: messageText(d.errorMessage) }
}

/** The status in words: the family's word for a flag, the shared word for a name, else field and value. */
function statusWord(spec: FamilySpec, field: string | undefined, raw: string): string {
  if (field === undefined || raw === '') return 'no status'
  const value = raw.trim()
  return spec.words?.[value] ?? STATUS_WORDS[value.toUpperCase()] ?? `${field} ${value}`
}

function safeText(get: () => string | null): string | null {
  try {
    return get()
  } catch {
    return null
  }
}

/** The http(s) URLs a getter finds; a getter tripping over an odd shape finds none. */
function safeUrls(get: () => unknown[]): string[] {
  try {
    return urls(...get())
  } catch {
    return []
  }
}
