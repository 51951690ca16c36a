// Hand-built runs for the report tests and golden summaries: URL files, failures, tasks, a stopped run.
import type { FileResult, RunResult, TaskResult } from '../../src/results.js'

export const WORKSPACE = '/home/runner/work/app/app'
export const DIR = `${WORKSPACE}/kie-downloads`
const SIGNED = '?X-Amz-Signature=deadbeefcafe0123456789&X-Amz-Expires=1200'

export function file(index: number, extra: Partial<FileResult> = {}): FileResult {
  const name = extra.name === undefined ? `img-${index}.png` : extra.name
  const status = extra.status ?? 'downloaded'
  return {
    index,
    n: 1,
    url: `https://tempfile.aiquickdraw.com/workers/nano/${index}-a1b2c3.png${SIGNED}`,
    taskId: null,
    family: null,
    extra: false,
    status,
    path: status === 'failed' || name === null ? null : `${DIR}/${name}`,
    name,
    bytes: status === 'failed' ? null : 1024 * 1024 + index * 4096,
    sha256: status === 'failed' ? null : index.toString(16).padStart(2, '0').repeat(32),
    contentType: status === 'failed' ? null : 'image/png',
    error: status === 'failed' ? 'file host answered HTTP 404' : null,
    ms: 400 + index * 10,
    ...extra
  }
}

export function run(files: FileResult[], extra: Partial<RunResult> = {}): RunResult {
  return { files, tasks: [], dir: DIR, stopped: null, elapsedMs: 9200, ...extra }
}

/** Everything went well: three downloads, one already there, one URL listed twice. */
export const allGood = run([
  file(1),
  file(2, { name: 'renders/hero image.png' }),
  file(3, { status: 'skipped', ms: 0 }),
  file(4),
  {
    ...file(5, { name: 'img-1.png' }),
    url: file(1).url,
    sameAs: 1,
    ms: 0,
    path: `${DIR}/img-1.png`
  }
])

/** Some failed, with text from outside that would be markup if it were not escaped. */
export const withFailures = run([
  file(1),
  file(2, { status: 'failed' }),
  file(3, {
    status: 'failed',
    name: 'a|b`c<i>.png',
    error:
      'kie.ai answered 422, validation error: "<img src=x onerror=alert(1)> | *bold* [x](javascript:alert(1))"'
  }),
  file(4, { status: 'skipped', ms: 0 }),
  file(5, { status: 'failed' })
])

export function taskFile(
  index: number,
  taskId: string,
  family: FileResult['family'],
  n: number,
  extra: Partial<FileResult> = {}
): FileResult {
  return file(index, {
    taskId,
    family,
    n,
    url: `https://tempfile.aiquickdraw.com/r/${taskId}_${n}.png`,
    name: `${taskId}_${n}.png`,
    ...extra
  })
}

const MARKET = '281e5b0e9a1c4b7f8d2e3a4b5c6d7e8f'
const FOURO = 'task_4o_9c1b2a3d4e5f'
const VEO = 'veo_task_abcdef123456'
const SUNO = '5c79d1e2f3a4b5c6'

const task = (
  taskId: string,
  type: TaskResult['type'],
  state: TaskResult['state'],
  files: number,
  error: string | null,
  ms: number
): TaskResult => ({ taskId, type, state, files, error, ms })

/** A listed URL, then four tasks: one succeeded with an extra, one failed, one timed out, one skipped. */
export const withTasks = run(
  [
    file(1, { name: 'cover.png' }),
    taskFile(2, MARKET, 'market', 1),
    taskFile(3, MARKET, 'market', 2, {
      extra: true,
      contentType: 'image/webp',
      name: `${MARKET}_2.webp`
    }),
    {
      ...file(4, { status: 'failed', name: null }),
      url: null,
      taskId: FOURO,
      family: '4o-image',
      error: 'GENERATE_FAILED (400): content policy violation'
    },
    {
      ...file(5, { status: 'failed', name: null }),
      url: null,
      taskId: VEO,
      family: 'veo',
      error: 'still generating after 900 s'
    },
    taskFile(6, SUNO, 'suno', 1, {
      status: 'skipped',
      contentType: 'audio/mpeg',
      name: `${SUNO}_1.mp3`
    }),
    taskFile(7, SUNO, 'suno', 2, {
      status: 'skipped',
      contentType: 'audio/mpeg',
      name: `${SUNO}_2.mp3`
    })
  ],
  {
    tasks: [
      task(MARKET, 'market', 'success', 2, null, 34_100),
      task(
        FOURO,
        '4o-image',
        'failed',
        0,
        'GENERATE_FAILED (400): content policy violation',
        12_000
      ),
      task(VEO, 'veo', 'timeout', 0, 'still generating after 900 s', 900_000),
      task(SUNO, 'suno', 'skipped', 2, null, 0)
    ],
    elapsedMs: 901_500
  }
)

export const STOP_401 =
  'kie.ai answered 401, the API key is missing or wrong: "You do not have access permissions"'

/** A bad key with 200 URLs: the first entry met the 401, the other 199 never started. */
export const badKey = run(
  [
    file(1, { status: 'failed', error: STOP_401 }),
    ...Array.from({ length: 199 }, (_, i) =>
      file(i + 2, { status: 'failed', error: null, stoppedBy: 'not-started' })
    )
  ],
  { stopped: STOP_401, elapsedMs: 640 }
)

/** Many files: enough to pass a small cap and show which rows a cut keeps. */
export function many(n: number, failedAt: number[] = []): RunResult {
  return run(
    Array.from({ length: n }, (_, i) =>
      file(i + 1, failedAt.includes(i + 1) ? { status: 'failed' } : {})
    )
  )
}

/** One Market task with `n` results (a batch job), after a listed URL. */
export function bigTask(n: number): RunResult {
  const id = 'batch0000000000000000000000000000'
  return run(
    [file(1), ...Array.from({ length: n }, (_, i) => taskFile(i + 2, id, 'market', i + 1))],
    {
      tasks: [
        { taskId: id, type: 'market', state: 'success', files: n, error: null, ms: 60_000 }
      ]
    }
  )
}

/** A task whose second file failed, beside a URL that failed and one that arrived (fail-on-error: false). */
export const partlyFailed = run(
  [
    file(1, { name: 'cover.png' }),
    file(2, { status: 'failed', name: 'poster.png' }),
    taskFile(3, MARKET, 'market', 1),
    taskFile(4, MARKET, 'market', 2, {
      status: 'failed',
      name: `${MARKET}_2.png`,
      error: 'file host answered HTTP 403 twice (the signed URL was refused again after a fresh one)'
    })
  ],
  { tasks: [task(MARKET, 'market', 'success', 2, null, 21_000)], elapsedMs: 23_400 }
)
