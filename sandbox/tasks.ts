// The task-details endpoints of every kie.ai family: registered tasks that wait, then succeed or fail, in kie.ai's shapes.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { DEFAULT_MSG, rateLimited, tokenTaken } from './api.ts'
import type { SandboxContext } from './context.ts'
import { faultReply, send, type Reply } from './wire.ts'
import type {
  LoggedRequest,
  RegisteredFile,
  RegisteredTask,
  RegisterTaskOptions,
  TaskFamily
} from './types.ts'

/** Each family's endpoint, from shared/kie-task-api.md. */
export const TASK_PATHS: Record<TaskFamily, string> = {
  market: '/api/v1/jobs/recordInfo',
  '4o-image': '/api/v1/gpt4o-image/record-info',
  'flux-kontext': '/api/v1/flux/kontext/record-info',
  veo: '/api/v1/veo/record-info',
  runway: '/api/v1/runway/record-detail',
  aleph: '/api/v1/aleph/record-info',
  luma: '/api/v1/modify/record-info',
  midjourney: '/api/v1/mj/record-info',
  suno: '/api/v1/generate/record-info',
  'suno-wav': '/api/v1/wav/record-info',
  'suno-stems': '/api/v1/vocal-removal/record-info',
  'suno-mp4': '/api/v1/mp4/record-info',
  'suno-cover': '/api/v1/suno/cover/record-info'
}

const PATHS = new Set(Object.values(TASK_PATHS))
/** An input URL in every task's parameters: clients must never take it for a result. */
export const TASK_INPUT_URL = 'https://example.com/input.jpg'
const STEM_KEYS = ['vocalUrl', 'instrumentalUrl', 'drumsUrl', 'bassUrl', 'guitarUrl', 'pianoUrl']
const STEM_KEYS_MORE = ['keyboardUrl', 'percussionUrl', 'stringsUrl', 'synthUrl', 'fxUrl']

interface StoredTask {
  options: Required<Omit<RegisterTaskOptions, 'files' | 'extras' | 'answerCode'>> &
    Pick<RegisterTaskOptions, 'answerCode'>
  task: RegisteredTask
  looks: number
}

type Phase = { kind: 'pending'; step: number } | { kind: 'success' | 'fail' | 'text' }
type Data = Record<string, unknown>

// Kept beside the context rather than in it: the task endpoints are an add-on to the API.
const stores = new WeakMap<SandboxContext, Map<string, StoredTask>>()

function store(ctx: SandboxContext): Map<string, StoredTask> {
  let tasks = stores.get(ctx)
  if (!tasks) stores.set(ctx, (tasks = new Map()))
  return tasks
}

export function isTaskPath(path: string): boolean {
  return PATHS.has(path)
}

export async function registerTask(
  ctx: SandboxContext,
  options: RegisterTaskOptions
): Promise<RegisteredTask> {
  const path = TASK_PATHS[options.type]
  if (!path) throw new TypeError(`registerTask: unknown type ${String(options.type)}`)
  if (typeof options.taskId !== 'string' || options.taskId === '') {
    throw new TypeError('registerTask: taskId must be a non-empty string')
  }
  if (options.marketResult !== undefined && options.type !== 'market') {
    throw new TypeError('registerTask: marketResult is for market tasks only')
  }
  for (const key of ['notFoundLooks', 'nullLooks', 'pendingLooks'] as const) {
    const n = options[key] ?? 0
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`registerTask: ${key} must be >= 0`)
  }
  const now = ctx.now()
  // 4o results belong to their task, so the gpt4o-image endpoint accepts exactly that pair.
  const taskId = options.type === '4o-image' ? options.taskId : undefined
  const register = (files: RegisterTaskOptions['files']): Promise<RegisteredFile[]> =>
    Promise.all((files ?? []).map(f => ctx.files.register({ ...f, taskId }, now)))
  const task: RegisteredTask = {
    type: options.type,
    taskId: options.taskId,
    path,
    files: await register(options.files),
    extras: await register(options.extras)
  }
  store(ctx).set(options.taskId, {
    options: {
      type: options.type,
      taskId: options.taskId,
      notFoundLooks: options.notFoundLooks ?? 0,
      nullLooks: options.nullLooks ?? 0,
      pendingLooks: options.pendingLooks ?? 0,
      outcome: options.outcome ?? 'success',
      spelling: options.spelling ?? 'doc',
      failMsg: options.failMsg ?? 'Your prompt was flagged by the content policy',
      answerCode: options.answerCode,
      marketResult: options.marketResult ?? 'urls'
    },
    task,
    looks: 0
  })
  return task
}

export async function handleTask(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  entry: LoggedRequest
): Promise<void> {
  try {
    for await (const _ of req) void _ // drain, so a kept-alive connection stays in step
  } catch {
    return
  }
  const taskId = entry.query.taskId
  if (taskId !== undefined) entry.taskId = taskId
  const fault = ctx.faults.take('api', taskId)
  if (fault) entry.fault = fault.kind
  let reply: Reply | 'reset' | undefined = faultReply(fault)
  if (fault?.kind === 'code') {
    reply = envelope(
      ctx,
      fault.code,
      fault.msg ?? DEFAULT_MSG[fault.code] ?? 'error',
      null,
      'doc',
      {
        httpStatus: fault.httpStatus,
        retryAfter: fault.retryAfter
      }
    )
  } else if (fault?.kind === 'signedUrl') {
    reply = envelope(ctx, 200, 'success', fault.data)
  }
  if (!tokenTaken(ctx) && !reply) reply = rateLimited(ctx, entry)
  reply ??= answer(ctx, req, entry)
  await send(res, reply, {
    latencyMs: ctx.latency.apiMs,
    fault,
    signal: ctx.signal,
    entry,
    stalls: ctx.stalls
  })
}

function answer(ctx: SandboxContext, req: IncomingMessage, entry: LoggedRequest): Reply {
  if (req.method !== 'GET') {
    return envelope(ctx, 405, `Method ${req.method} not allowed; use GET`, null, 'doc', {
      headers: { Allow: 'GET' }
    })
  }
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (!auth || auth[1] !== ctx.apiKey) {
    return envelope(ctx, 401, 'You do not have access permissions')
  }
  if (!entry.taskId) return envelope(ctx, 422, 'taskId is required')
  const stored = store(ctx).get(entry.taskId)
  // Unknown, or asked at another family's endpoint: most likely the same 422 as "not found".
  if (!stored || stored.task.path !== entry.path) return envelope(ctx, 422, 'record is null')
  const { options } = stored
  stored.looks += 1
  // Right after creation kie.ai may not know the task yet: 404 "Task Not Found", then 422.
  if (stored.looks <= options.notFoundLooks) return envelope(ctx, 404, 'Task Not Found')
  const step = stored.looks - options.notFoundLooks - options.nullLooks
  if (step <= 0) {
    const msg = options.spelling === 'alt' ? 'recordInfo is null' : 'record is null'
    return envelope(ctx, 422, msg)
  }
  if (options.answerCode !== undefined && step > options.pendingLooks) {
    return envelope(ctx, options.answerCode, DEFAULT_MSG[options.answerCode])
  }
  const phase: Phase =
    step <= options.pendingLooks ? { kind: 'pending', step } : { kind: options.outcome }
  return envelope(ctx, 200, 'success', taskData(stored, phase), options.spelling)
}

function taskData(stored: StoredTask, phase: Phase): Data {
  const { options, task } = stored
  const alt = options.spelling === 'alt'
  const done = phase.kind === 'success'
  const main = done ? task.files.map(f => f.url) : []
  const extras = done ? task.extras.map(f => f.url) : []
  const failure = { errorCode: 400, errorMessage: options.failMsg }
  const ok = { errorCode: null, errorMessage: done ? '' : null }
  const base: Data = { taskId: options.taskId, createTime: 1_700_000_000_000 }
  const pendingStep = phase.kind === 'pending' ? phase.step : 0
  const flag = (success: number): Data =>
    phase.kind === 'pending'
      ? { successFlag: 0, response: null }
      : phase.kind === 'fail'
        ? { successFlag: alt ? 3 : 2, response: null, ...failure }
        : { successFlag: success, ...ok }

  switch (options.type) {
    case 'market':
      return marketData(stored, base, phase)
    case '4o-image': {
      const status = { pending: 'GENERATING', fail: 'GENERATE_FAILED' }[phase.kind as string]
      return {
        ...base,
        paramJson: JSON.stringify({ filesUrl: [TASK_INPUT_URL] }),
        ...flag(1),
        // 4o's documents know successFlag 0, 1 and 2 only: a failure is 2 in either spelling.
        ...(phase.kind === 'fail' ? { successFlag: 2 } : {}),
        status: status ?? 'SUCCESS',
        response:
          done || phase.kind === 'text' ? { [alt ? 'result_urls' : 'resultUrls']: main } : null,
        progress: phase.kind === 'pending' ? Math.min(0.99, pendingStep * 0.24).toFixed(2) : '1.00'
      }
    }
    case 'flux-kontext':
      return {
        ...base,
        ...flag(1),
        ...(phase.kind === 'success' || phase.kind === 'text'
          ? { response: { resultImageUrl: main[0] ?? null, originImageUrl: extras[0] ?? null } }
          : {})
      }
    case 'veo':
    case 'luma':
      return {
        ...base,
        ...flag(options.type === 'luma' && alt ? 4 : 1),
        ...(phase.kind === 'success' || phase.kind === 'text'
          ? { response: { resultUrls: main, originUrls: extras, resolution: '1080p' } }
          : {})
      }
    case 'aleph':
      return {
        ...base,
        // A failure is successFlag 0 with an errorMessage: only the message tells it from "running".
        ...(phase.kind === 'fail' ? { successFlag: 0, response: null, ...failure } : flag(1)),
        ...(phase.kind === 'success' || phase.kind === 'text'
          ? { response: { resultVideoUrl: main[0] ?? null, resultImageUrl: extras[0] ?? null } }
          : {})
      }
    case 'midjourney': {
      const info = { resultUrls: main.map(resultUrl => ({ resultUrl })) }
      return {
        ...base,
        taskType: 'mj_txt2img',
        ...flag(1),
        resultInfoJson: done ? (alt ? JSON.stringify(info) : info) : null
      }
    }
    case 'runway': {
      const state = ['wait', 'queueing', 'generating'][Math.min(pendingStep, 3) - 1]
      return {
        ...base,
        generateParam: { prompt: 'a cat', imageUrl: TASK_INPUT_URL },
        state: phase.kind === 'pending' ? state : phase.kind === 'fail' ? 'fail' : 'success',
        videoInfo: done ? { videoId: 'v1', videoUrl: main[0], imageUrl: extras[0] ?? null } : null,
        failCode: phase.kind === 'fail' ? (alt ? 400 : '400') : '',
        failMsg: phase.kind === 'fail' ? options.failMsg : '',
        expireFlag: 0
      }
    }
    case 'suno':
      return sunoData(base, phase, task.files, task.extras, alt, failure)
    case 'suno-wav':
    case 'suno-stems':
    case 'suno-mp4':
      return sunoSideData(options.type, base, phase, main, extras, alt, failure)
    case 'suno-cover':
      return { ...base, ...flag(1), ...(done ? { response: { images: main } } : {}) }
  }
}

/**
 * A Market record: `resultJson` as a JSON string with the same result parsed in `response`
 * (2026-10), or in the 'alt' spelling resultJson as an object and no `response` (older clients).
 */
function marketData(stored: StoredTask, base: Data, phase: Phase): Data {
  const { options } = stored
  const alt = options.spelling === 'alt'
  const pendingStep = phase.kind === 'pending' ? phase.step : 0
  const state = ['waiting', 'queuing', 'generating'][Math.min(pendingStep, 3) - 1]
  const result = marketResult(stored, phase)
  const kind = options.marketResult
  const model = { urls: 'nano-banana', suno: 'suno', frames: 'seedance-2', masks: 'omnihuman-1.5' }
  return {
    ...base,
    model: model[kind],
    param: JSON.stringify({ model: model[kind], input: { image_urls: [TASK_INPUT_URL] } }),
    state: phase.kind === 'pending' ? state : phase.kind === 'fail' ? 'fail' : 'success',
    // successFlag beside state: 0 waiting/queuing/generating, 1 success, 3 fail.
    ...(alt ? {} : { successFlag: phase.kind === 'pending' ? 0 : phase.kind === 'fail' ? 3 : 1 }),
    resultJson: result === undefined ? '' : alt ? result : JSON.stringify(result),
    ...(alt || result === undefined ? {} : { response: result }),
    failCode: phase.kind === 'fail' ? (alt ? 422 : '422') : '',
    failMsg: phase.kind === 'fail' ? options.failMsg : ''
  }
}

/** What a finished Market task answered, in the shape of its model; undefined while none. */
function marketResult(stored: StoredTask, phase: Phase): Data | undefined {
  const { options, task } = stored
  const main = task.files.map(f => f.url)
  const extras = task.extras.map(f => f.url)
  const kind = options.marketResult
  if (phase.kind === 'text') {
    return kind === 'suno'
      ? { resultObject: { lyricsData: [{ text: '[Verse]\nSandbox lyrics', status: 'complete' }] } }
      : { resultObject: { text: 'A text-only answer.' } }
  }
  if (phase.kind !== 'success') return undefined
  if (kind === 'suno') return { data: marketTracks(main, extras, options.spelling === 'alt') }
  if (kind === 'masks') return { resultObject: { mask_urls: main } }
  if (kind === 'frames') {
    return { resultUrls: main, firstFrameUrl: extras[0], lastFrameUrl: extras[1] }
  }
  return { resultUrls: main, ...(extras.length ? { resultWaterMarkUrls: extras } : {}) }
}

/** Suno through Market: snake_case as documented, camelCase in the 'alt' spelling. */
function marketTracks(main: string[], extras: string[], camel: boolean): Data[] {
  return main.map((url, i) => {
    const track: Data = {
      id: `track-${i + 1}`,
      audio_url: url,
      stream_audio_url: extras[2 * i + 1] ?? null,
      image_url: extras[2 * i] ?? null,
      title: 'Sandbox song',
      duration: 154.68
    }
    if (!camel) return track
    const { audio_url, stream_audio_url, image_url, ...rest } = track
    return { ...rest, audioUrl: audio_url, streamAudioUrl: stream_audio_url, imageUrl: image_url }
  })
}

function sunoData(
  base: Data,
  phase: Phase,
  files: RegisteredFile[],
  extraFiles: RegisteredFile[],
  alt: boolean,
  failure: Data
): Data {
  const main = phase.kind === 'text' ? [] : files.map(f => f.url)
  const extras = extraFiles.map(f => f.url)
  if (phase.kind === 'fail') {
    return { ...base, status: alt ? 'SENSITIVE_WORD_ERROR' : 'GENERATE_AUDIO_FAILED', ...failure }
  }
  const partial = phase.kind === 'pending' ? ['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS'] : []
  const status =
    phase.kind === 'pending'
      ? partial[Math.min(phase.step, 3) - 1]
      : alt && phase.kind === 'success'
        ? 'CALLBACK_EXCEPTION'
        : 'SUCCESS'
  // FIRST_SUCCESS: the first track is there, the second not yet; the client must keep polling.
  const ready = status === 'FIRST_SUCCESS' ? 1 : phase.kind === 'pending' ? 0 : main.length
  const tracks = main.map((url, i) => ({
    id: `track-${i + 1}`,
    audioUrl: i < ready ? url : '',
    streamAudioUrl: extras[2 * i + 1] ?? null,
    imageUrl: extras[2 * i] ?? null,
    sourceAudioUrl: `https://cdn1.suno.ai/track-${i + 1}.mp3`,
    title: 'Sandbox song',
    duration: 154.68
  }))
  return {
    ...base,
    param: JSON.stringify({ uploadUrl: TASK_INPUT_URL }),
    status,
    response: { taskId: base.taskId, sunoData: phase.kind === 'pending' && !ready ? [] : tracks },
    errorCode: null,
    errorMessage: null
  }
}

function sunoSideData(
  type: 'suno-wav' | 'suno-stems' | 'suno-mp4',
  base: Data,
  phase: Phase,
  main: string[],
  extras: string[],
  alt: boolean,
  failure: Data
): Data {
  const failed = { 'suno-wav': 'GENERATE_WAV_FAILED', 'suno-stems': 'GENERATE_AUDIO_FAILED' }
  const status =
    phase.kind === 'pending'
      ? 'PENDING'
      : phase.kind === 'fail'
        ? (failed[type as keyof typeof failed] ?? 'GENERATE_MP4_FAILED')
        : 'SUCCESS'
  let response: Data | null = null
  if (phase.kind === 'success' || phase.kind === 'text') {
    if (type === 'suno-wav') response = { audioWavUrl: main[0] ?? null }
    else if (type === 'suno-mp4') response = { videoUrl: main[0] ?? null }
    else {
      // Every stem key is present; the ones this task did not make are null.
      const keys = [...STEM_KEYS, ...STEM_KEYS_MORE]
      response = { originUrl: extras[0] ?? null }
      for (const [i, key] of keys.entries()) response[key] = main[i] ?? null
    }
  }
  return {
    ...base,
    // One page writes `status` where the others write `successFlag` (a string).
    [alt ? 'status' : 'successFlag']: status,
    response,
    ...(phase.kind === 'fail' ? failure : { errorCode: null, errorMessage: null })
  }
}

/** kie.ai's envelope; `message` instead of `msg` in the alt spelling (the Market page's slip). */
function envelope(
  ctx: SandboxContext,
  code: number,
  msg: string,
  data: unknown = null,
  spelling: 'doc' | 'alt' = 'doc',
  extra: { httpStatus?: number; retryAfter?: string; headers?: Record<string, string> } = {}
): Reply {
  let status = extra.httpStatus ?? (code !== 200 && ctx.errorStyle === 'http' ? code : 200)
  if (!Number.isInteger(status) || status < 100 || status > 999) status = 200
  const body = Buffer.from(
    JSON.stringify({ code, [spelling === 'alt' ? 'message' : 'msg']: msg, data })
  )
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      ...(extra.retryAfter === undefined ? {} : { 'Retry-After': extra.retryAfter }),
      ...extra.headers
    },
    body
  }
}
