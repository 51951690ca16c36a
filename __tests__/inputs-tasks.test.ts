// Task mode inputs: task-ids without URLs, task items in lists, task-type, endpoint per family, wait and results.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../src/errors.js'
import { getInputs, type Settings } from '../src/inputs/inputs.js'
import { FAMILY_NAMES } from '../src/constants.js'
import { inputEnv } from '../scripts/runner.ts'
import { captureStdout } from './helpers/capture.js'
import { useStepEnv } from './helpers/step-env.js'

const CAT = 'https://tempfile.aiquickdraw.com/v/cat.png'
const DOG = 'https://tempfile.aiquickdraw.com/v/dog.png'
const EVERY_TYPE = FAMILY_NAMES.join(', ')

let workspace: string
let restoreStdout: () => void
const setEnv = useStepEnv()

beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'kie-inputs-tasks-'))
  restoreStdout = captureStdout().restore
})

afterEach(() => {
  restoreStdout()
  rmSync(workspace, { recursive: true, force: true })
})

function inputs(withInputs: Record<string, string>): Settings {
  setEnv({
    ...inputEnv({ 'api-key': 'sk-test-key-123', ...withInputs }),
    GITHUB_WORKSPACE: workspace
  })
  return getInputs()
}

function thrown(withInputs: Record<string, string>): Error | undefined {
  try {
    inputs(withInputs)
  } catch (error) {
    return error as Error
  }
  return undefined
}

describe('task-ids without any URL', () => {
  it('become task entries of task-type, in order, newline or comma separated', () => {
    expect(inputs({ 'task-ids': 'm-1, m-2\n# later\nm-3', 'task-type': 'market' }).entries).toEqual(
      [
        { kind: 'task', index: 1, taskId: 'm-1', type: 'market', endpoint: 'common' },
        { kind: 'task', index: 2, taskId: 'm-2', type: 'market', endpoint: 'common' },
        { kind: 'task', index: 3, taskId: 'm-3', type: 'market', endpoint: 'common' }
      ]
    )
  })

  it('read a JSON array of ID strings and {taskId, type} objects; an own type wins', () => {
    const ids = JSON.stringify(['s-1', { taskId: ' v-1 ', type: 'veo' }, { taskId: 'x-1' }])
    expect(inputs({ 'task-ids': ids, 'task-type': 'suno' }).entries).toEqual([
      { kind: 'task', index: 1, taskId: 's-1', type: 'suno', endpoint: 'common' },
      { kind: 'task', index: 2, taskId: 'v-1', type: 'veo', endpoint: 'common' },
      { kind: 'task', index: 3, taskId: 'x-1', type: 'suno', endpoint: 'common' }
    ])
  })

  it('need no task-type when every task has its own type', () => {
    const ids = JSON.stringify([{ taskId: 'l-1', type: 'luma' }])
    expect(inputs({ 'task-ids': ids }).entries[0]).toMatchObject({ type: 'luma' })
  })

  it('keep a task listed twice twice (the pipeline merges them)', () => {
    const entries = inputs({ 'task-ids': 'same\nsame', 'task-type': 'veo' }).entries
    expect(entries.map(e => [e.index, e.taskId])).toEqual([
      [1, 'same'],
      [2, 'same']
    ])
  })

  it('without task-type for a task without its own type is an error listing every type', () => {
    const error = thrown({ 'task-ids': 't-1' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      `Input 'task-type' is empty, but the task on line 1 of 'task-ids' has no type of its own: expected one of ${EVERY_TYPE}.`
    )
  })

  it('with an unknown task-type is an error listing every type', () => {
    expect(thrown({ 'task-ids': 't-1', 'task-type': 'dall-e' })?.message).toBe(
      `Input 'task-type' is "dall-e": expected one of ${EVERY_TYPE}, or empty.`
    )
  })

  it('with an unknown own type is an error naming the item and listing every type', () => {
    const error = thrown({ 'task-ids': JSON.stringify([{ taskId: 't', type: 'Veo' }]) })
    expect(error?.message).toBe(
      `Input 'task-ids' has an unknown task type "Veo" in item 1: expected one of ${EVERY_TYPE}.`
    )
  })

  it.each([
    ['an object without taskId', [{ type: 'veo' }], 'has no "taskId" in item 1'],
    ['an unknown key', [{ taskId: 't', url: CAT }], 'has an unknown key "url" in item 1'],
    ['a number', [7], 'has a number as item 1'],
    ['an ID with a space', ['a b'], 'has a task ID with a space inside in item 1'],
    ['a very long ID', ['t'.repeat(201)], 'has a task ID of 201 characters in item 1']
  ])('with %s is an error naming task-ids and the item', (_, items, problem) => {
    const error = thrown({ 'task-ids': JSON.stringify(items), 'task-type': 'veo' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(`Input 'task-ids' ${problem}: expected `)
  })

  it.each([
    ['null', 'null', 'on line 1', '"null"'],
    ['NULL among good IDs', 'ok-1\nNULL', 'on line 2', '"NULL"'],
    ['undefined', 'ok-1, undefined', 'on line 1', '"undefined"'],
    ['None', 'None', 'on line 1', '"None"'],
    ['a JSON null', JSON.stringify(['ok-1', null]), 'in item 2', 'null'],
    ['a JSON "null"', JSON.stringify(['null']), 'in item 1', '"null"'],
    ['a JSON blank string', JSON.stringify(['  ']), 'in item 1', 'an empty task ID'],
    [
      'a task item with taskId null',
      JSON.stringify([{ taskId: null, type: 'veo' }]),
      'in item 1',
      'an empty "taskId"'
    ],
    [
      'a task item with a blank taskId',
      JSON.stringify([{ taskId: ' ', type: 'veo' }]),
      'in item 1',
      'an empty "taskId"'
    ]
  ])(
    'with %s is refused before any request, with a hint that the generation step failed',
    (_, ids, where, what) => {
      const error = thrown({ 'task-ids': ids, 'task-type': 'market' })
      expect(error).toBeInstanceOf(InputError)
      expect(error?.message).toBe(
        `Input 'task-ids' has ${what} as the task ID ${where}, so the generation step that made it probably failed: expected the taskId of kie.ai's answer to the generation call; check that step's answer (its code and msg).`
      )
    }
  )

  it('refuses a task item with a null taskId in urls, and a "null" taskId beside a URL', () => {
    const item = thrown({ urls: JSON.stringify([{ taskId: null, type: 'veo' }]) })
    expect(item?.message).toMatch(
      /^Input 'urls' has an empty "taskId" as the task ID in item 1, so the generation step that made it probably failed/
    )
    const pair = thrown({ urls: JSON.stringify([{ url: CAT, taskId: 'None' }]) })
    expect(pair?.message).toMatch(/^Input 'urls' has "None" as the task ID in item 1, so/)
  })

  it('keeps skipping blank lines and commas in a plain list', () => {
    const entries = inputs({ 'task-ids': '\n a-1 ,, \n\n,b-2,', 'task-type': 'veo' }).entries
    expect(entries.map(e => e.taskId)).toEqual(['a-1', 'b-2'])
  })

  it('with a space inside a plain ID is an error naming the line', () => {
    expect(thrown({ 'task-ids': 'ok-1\nt-2 t-3', 'task-type': 'veo' })?.message).toContain(
      "Input 'task-ids' has a task ID with a space inside on line 2: expected one task ID per line or between commas."
    )
  })
})

describe('task-ids beside URLs', () => {
  it('without a type, pair with the URLs by position: no task entry', () => {
    const entries = inputs({ urls: `${CAT}\n${DOG}`, 'task-ids': 't-1,t-2' }).entries
    expect(entries).toEqual([
      { kind: 'url', index: 1, url: CAT, taskId: 't-1', endpoint: 'gpt4o-image' },
      { kind: 'url', index: 2, url: DOG, taskId: 't-2', endpoint: 'gpt4o-image' }
    ])
  })

  it('may be a JSON array of strings', () => {
    const entries = inputs({ urls: `${CAT}\n${DOG}`, 'task-ids': '["t-1", "t-2"]' }).entries
    expect(entries.map(e => e.taskId)).toEqual(['t-1', 't-2'])
  })

  it('with task-type set, are tasks to download after the URLs', () => {
    const entries = inputs({
      urls: `${CAT}\n${DOG}`,
      'task-ids': 't-1,t-2,t-3',
      'task-type': 'veo'
    }).entries
    expect(entries).toEqual([
      { kind: 'url', index: 1, url: CAT, taskId: null, endpoint: 'common' },
      { kind: 'url', index: 2, url: DOG, taskId: null, endpoint: 'common' },
      { kind: 'task', index: 3, taskId: 't-1', type: 'veo', endpoint: 'common' },
      { kind: 'task', index: 4, taskId: 't-2', type: 'veo', endpoint: 'common' },
      { kind: 'task', index: 5, taskId: 't-3', type: 'veo', endpoint: 'common' }
    ])
  })

  it('with a type of their own, are tasks too (task-type gives the rest theirs)', () => {
    const ids = JSON.stringify([{ taskId: 't-1', type: '4o-image' }, 't-2'])
    expect(inputs({ urls: CAT, 'task-ids': ids, 'task-type': 'suno' }).entries).toEqual([
      { kind: 'url', index: 1, url: CAT, taskId: null, endpoint: 'common' },
      { kind: 'task', index: 2, taskId: 't-1', type: '4o-image', endpoint: 'gpt4o-image' },
      { kind: 'task', index: 3, taskId: 't-2', type: 'suno', endpoint: 'common' }
    ])
  })

  it('with a type on some and no task-type, name the task that has none', () => {
    const ids = JSON.stringify([{ taskId: 't-1', type: 'veo' }, 't-2'])
    expect(thrown({ urls: CAT, 'task-ids': ids })?.message).toMatch(
      /^Input 'task-type' is empty, but the task in item 2 of 'task-ids' has no type of its own/
    )
  })

  it('pair with the URL entries only when the list also holds task items', () => {
    const urls = JSON.stringify([CAT, { taskId: 'task-a', type: 'veo' }, DOG])
    expect(inputs({ urls, 'task-ids': 'p-1\np-2' }).entries).toEqual([
      { kind: 'url', index: 1, url: CAT, taskId: 'p-1', endpoint: 'gpt4o-image' },
      { kind: 'task', index: 2, taskId: 'task-a', type: 'veo', endpoint: 'common' },
      { kind: 'url', index: 3, url: DOG, taskId: 'p-2', endpoint: 'gpt4o-image' }
    ])
  })
})

describe('task items in urls and urls-file', () => {
  it('mix with URLs in one list, indexed over urls, then urls-file, then task-ids', () => {
    writeFileSync(
      path.join(workspace, 'tasks.json'),
      JSON.stringify([{ taskId: 'f-1', type: 'suno' }, { taskId: 'f-2' }])
    )
    const urls = JSON.stringify([{ taskId: 'u-1', type: '4o-image' }])
    const settings = inputs({
      urls,
      'urls-file': 'tasks.json',
      'task-ids': 'i-1',
      'task-type': 'runway'
    })
    expect(settings.entries).toEqual([
      { kind: 'task', index: 1, taskId: 'u-1', type: '4o-image', endpoint: 'gpt4o-image' },
      { kind: 'task', index: 2, taskId: 'f-1', type: 'suno', endpoint: 'common' },
      { kind: 'task', index: 3, taskId: 'f-2', type: 'runway', endpoint: 'common' },
      { kind: 'task', index: 4, taskId: 'i-1', type: 'runway', endpoint: 'common' }
    ])
  })

  it('without a type and without task-type is an error naming where the task stands', () => {
    writeFileSync(path.join(workspace, 'tasks.json'), JSON.stringify([{ taskId: 'f-1' }]))
    expect(thrown({ 'urls-file': 'tasks.json' })?.message).toMatch(
      /^Input 'task-type' is empty, but the task in item 1 of 'urls-file' has no type of its own/
    )
  })
})

describe('endpoint for tasks', () => {
  it('auto: 4o-image tasks through gpt4o-image, every other family through common', () => {
    const ids = JSON.stringify(FAMILY_NAMES.map(type => ({ taskId: `t-${type}`, type })))
    const entries = inputs({ 'task-ids': ids }).entries
    expect(entries.map(e => [e.kind === 'task' && e.type, e.endpoint])).toEqual(
      FAMILY_NAMES.map(type => [type, type === '4o-image' ? 'gpt4o-image' : 'common'])
    )
  })

  it('common: 4o-image tasks too', () => {
    const entries = inputs({ 'task-ids': 't', 'task-type': '4o-image', endpoint: 'common' }).entries
    expect(entries[0]).toMatchObject({ kind: 'task', endpoint: 'common' })
  })

  it('gpt4o-image: accepted for 4o-image tasks', () => {
    const entries = inputs({
      'task-ids': 't',
      'task-type': '4o-image',
      endpoint: 'gpt4o-image'
    }).entries
    expect(entries[0]).toMatchObject({ kind: 'task', endpoint: 'gpt4o-image' })
  })

  it('gpt4o-image with a task of another family is an error naming endpoint and the family', () => {
    const error = thrown({ 'task-ids': 'a\nb', 'task-type': 'veo', endpoint: 'gpt4o-image' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      "Input 'endpoint' is gpt4o-image, but the task on line 1 of 'task-ids' is a veo task: expected auto or common: only 4o-image results resolve through gpt4o-image."
    )
  })
})

describe('wait and results', () => {
  it('default to 900 s and main', () => {
    expect(inputs({ 'task-ids': 't', 'task-type': 'veo' })).toMatchObject({
      waitMs: 900_000,
      results: 'main'
    })
  })

  it.each([
    ['0', 0],
    ['2.5', 2500],
    ['21600', 21_600_000]
  ])('wait %s is %d ms', (wait, ms) => {
    expect(inputs({ 'task-ids': 't', 'task-type': 'veo', wait }).waitMs).toBe(ms)
  })

  it.each(['-1', '21601', '15m', ''])('wait %j is an error naming wait', wait => {
    expect(thrown({ 'task-ids': 't', 'task-type': 'veo', wait })?.message).toBe(
      `Input 'wait' is "${wait}": expected a number of seconds from 0 to 21600.`
    )
  })

  it('results all is read', () => {
    expect(inputs({ 'task-ids': 't', 'task-type': 'veo', results: 'all' }).results).toBe('all')
  })

  it('results of another value is an error naming results', () => {
    expect(thrown({ 'task-ids': 't', 'task-type': 'veo', results: 'extras' })?.message).toBe(
      `Input 'results' is "extras": expected one of main, all.`
    )
  })
})

describe('shard with tasks', () => {
  it('is refused, naming the first task: only its own shard could name its files', () => {
    const urls = JSON.stringify([
      'https://tempfile.aiquickdraw.com/v/cat.png',
      { taskId: 'x', type: 'veo' }
    ])
    expect(thrown({ urls, shard: '1/3' })?.message).toBe(
      "Input 'shard' is \"1/3\", but the list holds a task (in item 2 of 'urls'): expected file URLs only: a task's files are known only to the shard that runs it, so the other shards could not name the files after it (give each job its own task IDs and path instead)."
    )
    expect(thrown({ 'task-ids': 'a\nb', 'task-type': 'veo', shard: '2/2' })?.message).toMatch(
      /^Input 'shard' is "2\/2", but the list holds a task \(on line 1 of 'task-ids'\)/
    )
  })
})
