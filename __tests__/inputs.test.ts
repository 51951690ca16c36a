// getInputs: every input read once, validated with the input's name, and the API key masked first.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../src/errors.js'
import { getInputs, type Settings } from '../src/inputs/inputs.js'
import { inputEnv } from '../scripts/runner.ts'
import { captureStdout } from './helpers/capture.js'
import { useStepEnv } from './helpers/step-env.js'

const KEY = 'sk-test-key-123'
const CAT = 'https://tempfile.aiquickdraw.com/v/cat.png'
const DOG = 'https://tempfile.aiquickdraw.com/v/dog.png'
const SECRET = 'X-Amz-Signature=secret'

let workspace: string
let writes: string[]
let restoreStdout: () => void
const setEnv = useStepEnv()

beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'kie-inputs-'))
  ;({ writes, restore: restoreStdout } = captureStdout())
})

afterEach(() => {
  restoreStdout()
  rmSync(workspace, { recursive: true, force: true })
})

/** Sets the step's env as the runner would (action.yml defaults, a key, a workspace). */
function setInputs(withInputs: Record<string, string>): void {
  setEnv({ ...inputEnv({ 'api-key': KEY, ...withInputs }), GITHUB_WORKSPACE: workspace })
}

function inputs(withInputs: Record<string, string>): Settings {
  setInputs(withInputs)
  return getInputs()
}

/** What getInputs throws for these inputs (undefined when it returns). */
function thrown(withInputs: Record<string, string>): Error | undefined {
  try {
    inputs(withInputs)
  } catch (error) {
    return error as Error
  }
  return undefined
}

describe('the API key', () => {
  it('is masked before anything else is printed', () => {
    inputs({ urls: CAT })
    expect(writes[0]).toBe(`::add-mask::${KEY}${os.EOL}`)
    expect(writes.slice(1).join('')).not.toContain(KEY)
  })

  it('is masked even when another input is about to be rejected', () => {
    expect(thrown({ urls: 'ftp://x/a.png' })).toBeInstanceOf(InputError)
    expect(writes[0]).toBe(`::add-mask::${KEY}${os.EOL}`)
  })

  it('with a space inside is an error naming api-key that does not quote the key', () => {
    const key = 'sk-live-1234 5678zz'
    const error = thrown({ 'api-key': key, urls: CAT })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("'api-key'")
    expect(error?.message).not.toContain('sk-live-1234')
    expect(error?.message).not.toContain('5678zz')
    expect(writes[0]).toBe(`::add-mask::${key}${os.EOL}`)
  })

  it('with a line break inside is an error naming api-key that does not quote the key', () => {
    const error = thrown({ 'api-key': 'sk-part-one\nsk-part-two', urls: CAT })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("'api-key'")
    expect(error?.message).not.toContain('sk-part')
    expect(writes[0]).toBe(`::add-mask::sk-part-one%0Ask-part-two${os.EOL}`)
  })

  it('is trimmed of surrounding whitespace, as core.getInput does', () => {
    expect(inputs({ 'api-key': `  ${KEY}\n`, urls: CAT }).apiKey).toBe(KEY)
  })

  it('when missing is an error naming api-key', () => {
    expect(thrown({ 'api-key': '', urls: CAT })?.message).toContain('api-key')
  })

  // Bug: core.getInput's `required` check looks at the value before trimming, so a key of
  // only spaces passes as '' and every API call then fails with 401 instead of an input error.
  it('of only whitespace is an input error naming api-key', () => {
    const error = thrown({ 'api-key': '   ', urls: CAT })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("'api-key'")
  })
})

describe('urls', () => {
  it('reads newline and comma separated URLs, skipping blanks and spaces', () => {
    const settings = inputs({ urls: `\n  ${CAT} ,\n\n , ${DOG}\r\n,` })
    expect(settings.entries).toEqual([
      { kind: 'url', index: 1, url: CAT, taskId: null, endpoint: 'common' },
      { kind: 'url', index: 2, url: DOG, taskId: null, endpoint: 'common' }
    ])
  })

  it('reads a JSON array of URL strings and {url, taskId} objects', () => {
    const urls = JSON.stringify([CAT, { url: ` ${DOG} `, taskId: ' t-2 ' }, { url: CAT }])
    expect(inputs({ urls }).entries).toEqual([
      { kind: 'url', index: 1, url: CAT, taskId: null, endpoint: 'common' },
      { kind: 'url', index: 2, url: DOG, taskId: 't-2', endpoint: 'gpt4o-image' },
      { kind: 'url', index: 3, url: CAT, taskId: null, endpoint: 'common' }
    ])
  })

  it('normalises each URL as the URL parser does', () => {
    expect(inputs({ urls: 'HTTPS://TempFile.AIQuickDraw.com/v/a b.png' }).entries[0]).toMatchObject(
      {
        url: 'https://tempfile.aiquickdraw.com/v/a%20b.png'
      }
    )
  })

  it('with nothing in it (and no urls-file) is an empty list from urls, not an error', () => {
    const settings = inputs({ urls: ' \n , \n# a comment\n' })
    expect(settings.entries).toEqual([])
    expect(settings.empty).toEqual({ kind: 'no-entries', inputs: ['urls'], file: null, total: 0 })
  })

  it('with nothing anywhere (urls, urls-file and task-ids empty) is an empty list that names none', () => {
    expect(inputs({}).empty).toEqual({ kind: 'none-given', inputs: [], file: null, total: 0 })
  })

  it('an empty urls-file is an empty list that names the file', () => {
    writeFileSync(path.join(workspace, 'list.txt'), '# nothing new today\n\n')
    expect(inputs({ 'urls-file': 'list.txt' }).empty).toEqual({
      kind: 'no-entries',
      inputs: ['urls-file'],
      file: 'list.txt',
      total: 0
    })
  })

  it('an empty list still has every other input checked', () => {
    expect(thrown({ urls: '', concurrency: '0' })?.message).toMatch(/^Input 'concurrency'/)
    expect(thrown({ urls: '', 'if-no-files-found': 'fail' })?.message).toBe(
      `Input 'if-no-files-found' is "fail": expected one of warn, error, ignore.`
    )
  })

  it('a shard that gets none of the entries is an empty list too', () => {
    const urls = [CAT, DOG].join('\n')
    const empties = ['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']
      .map(shard => inputs({ urls, shard }).empty)
      .filter(empty => empty !== null)
    expect(empties.length).toBeGreaterThanOrEqual(7)
    expect(empties[0]).toEqual({ kind: 'shard', inputs: ['urls'], file: null, total: 2 })
  })

  it('that is not JSON but starts with [ is an error naming urls and the expected form', () => {
    const error = thrown({ urls: `[${CAT}]` })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(
      /^Input 'urls' is not valid JSON( \(line \d+, column \d+\))?: expected a JSON array/
    )
  })

  it('as a JSON object instead of an array is an error naming urls', () => {
    // Only text starting with '[' is read as JSON: an object is read, and refused, as a URL list.
    const error = thrown({ urls: JSON.stringify({ url: CAT }) })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(/^Input 'urls' has an invalid URL/)
  })

  it('as an empty JSON array is an empty list from urls', () => {
    expect(inputs({ urls: ' [ ] ' }).empty).toMatchObject({ kind: 'no-entries', inputs: ['urls'] })
  })

  it.each([
    ['a number', [42], 'has a number as item 1'],
    ['null', [CAT, null], 'has null as item 2'],
    ['a nested array', [[CAT]], 'has an array as item 1'],
    ['an object without url or taskId', [{}], 'has neither a "url" nor a "taskId" in item 1'],
    ['a url that is not a string', [{ url: 7 }], 'has a "url" that is not a string in item 1'],
    ['an unknown key', [{ url: CAT, task_id: 't' }], 'has an unknown key "task_id" in item 1'],
    [
      'a numeric taskId',
      [{ url: CAT, taskId: 7 }],
      'has a "taskId" that is not a string in item 1'
    ],
    ['a taskId with a line break', [{ url: CAT, taskId: 'a\nb' }], 'control character'],
    ['a type beside a url', [{ url: CAT, type: 'veo' }], 'has a "type" beside a "url" in item 1']
  ])('with a JSON item that is %s is an error naming urls and the item', (_, items, problem) => {
    const error = thrown({ urls: JSON.stringify(items) })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("Input 'urls'")
    expect(error?.message).toContain(problem)
    expect(error?.message).toMatch(/: expected .+\.$/)
  })

  it.each([
    ['an ftp: URL', 'ftp://files.example/a.png', 'scheme "ftp:" on line 1'],
    ['a relative URL', '/v/a.png', 'invalid URL "/v/a.png" on line 1'],
    ['a bare file name', `${CAT}\n\na.png`, 'invalid URL "a.png" on line 3'],
    ['a javascript: URL', 'javascript:alert(1)', 'scheme "javascript:" on line 1']
  ])('with %s is an error naming urls, the value and the expected form', (_, url, problem) => {
    const error = thrown({ urls: url })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("Input 'urls'")
    expect(error?.message).toContain(problem)
    expect(error?.message).toContain('expected an absolute http(s) URL')
  })

  it('with credentials in a URL is an error that names the host but not the credentials', () => {
    const error = thrown({ urls: 'https://u:p4ssw0rd@files.example/x' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(
      "Input 'urls' has a URL with credentials (files.example) on line 1"
    )
    expect(error?.message).not.toContain('p4ssw0rd')
  })

  it.each([
    ['not a URL', `not-a-url?${SECRET}`],
    ['relative', `/v/a.png?${SECRET}`],
    ['ftp', `ftp://files.example/a.png?${SECRET}`],
    ['with credentials', `https://u:p@files.example/a.png?${SECRET}`],
    ['a JSON string item', JSON.stringify([`relative.png?${SECRET}`])],
    ['a JSON object item', JSON.stringify([{ url: `ftp://h/a.png?${SECRET}` }])],
    ['in broken JSON', `[https://files.example/a.png?${SECRET}]`]
  ])('never shows the query string of an invalid URL (%s)', (_, urls) => {
    const error = thrown({ urls })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).not.toContain('secret')
  })

  // Bug: V8's JSON.parse message quotes ~10 characters around the error, which can start after
  // the `?`, so stripQueries() finds no query to strip. A trailing comma is a common typo.
  it('never shows the query string of a URL in JSON with a trailing comma', () => {
    const error = thrown({ urls: `["https://files.example/a.png?${SECRET}", ]` })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).not.toContain('secret')
  })

  // Bug: an unknown key is quoted (40 characters) without stripQueries(), so a URL used as a
  // key by mistake shows its signature.
  it('never shows the query string of a URL mistakenly used as a JSON key', () => {
    const error = thrown({ urls: JSON.stringify([{ [`https://h/a?${SECRET}`]: '' }]) })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).not.toContain('secret')
  })
})

describe('urls as lines', () => {
  it('skips # comment lines and blank lines, indented or not', () => {
    const urls = `# cats first\n${CAT}\n\n   # then the dog\n${DOG}\n#${CAT}\n`
    expect(inputs({ urls }).entries.map(e => e.kind === 'url' && e.url)).toEqual([CAT, DOG])
  })

  it('keeps a # inside a URL: only a whole line is a comment', () => {
    expect(inputs({ urls: `${CAT}#frag` }).entries[0]).toMatchObject({ url: `${CAT}#frag` })
  })

  it('names the line of a bad URL, counting blank and comment lines, as written', () => {
    const error = thrown({ urls: `\n# list\n${CAT}, ${DOG}\r\n\r\nnot-a-url` })
    expect(error?.message).toContain('has an invalid URL "not-a-url" on line 5')
  })

  it('names the line of a bad URL after old Mac line breaks (CR alone)', () => {
    expect(thrown({ urls: `${CAT}\r${DOG}\rnot-a-url` })?.message).toContain('on line 3')
  })
})

describe('untrusted text in errors', () => {
  const long = 'x'.repeat(100_000)

  it.each([
    ['an invalid URL', `${long}.png`],
    ['a long scheme', `${long}:rest`],
    ['credentials before a long host', `https://u:p@${long}.example/a.png`],
    ['a long unknown JSON key', JSON.stringify([{ url: CAT, [long]: 1 }])],
    ['a long task type', JSON.stringify([{ taskId: 't', type: long }])]
  ])('is capped: %s', (_, urls) => {
    const error = thrown({ urls })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message.length).toBeLessThan(600)
  })

  it('is capped: a long unknown filename token', () => {
    const error = thrown({ urls: CAT, filename: `{${long}}` })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message.length).toBeLessThan(600)
  })

  it('is capped: a long path of urls-file', () => {
    const error = thrown({ 'urls-file': long })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message.length).toBeLessThan(600)
  })
})

describe('urls-file', () => {
  it('appends its entries after those of urls, in both list forms', () => {
    writeFileSync(path.join(workspace, 'more.txt'), `${DOG}\n\nhttps://files.example/b.mp3\n`)
    const settings = inputs({ urls: CAT, 'urls-file': 'more.txt' })
    expect(settings.entries.map(e => [e.index, e.kind === 'url' && e.url])).toEqual([
      [1, CAT],
      [2, DOG],
      [3, 'https://files.example/b.mp3']
    ])
  })

  it('may be the only source of URLs, as a JSON array', () => {
    writeFileSync(path.join(workspace, 'list.json'), JSON.stringify([{ url: DOG, taskId: 't9' }]))
    expect(inputs({ 'urls-file': 'list.json' }).entries).toEqual([
      { kind: 'url', index: 1, url: DOG, taskId: 't9', endpoint: 'gpt4o-image' }
    ])
  })

  it('that is missing is an error naming urls-file and the path as given', () => {
    const error = thrown({ urls: CAT, 'urls-file': 'nope.txt' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      `Input 'urls-file' is "nope.txt", which does not exist: expected the path of a regular file inside the workspace, relative to it.`
    )
  })

  it('with a bad URL is an error naming urls-file, not urls', () => {
    writeFileSync(path.join(workspace, 'more.txt'), 'ftp://files.example/a.png')
    const error = thrown({ urls: CAT, 'urls-file': 'more.txt' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(
      "Input 'urls-file' has a URL with another scheme than http(s) on line 1"
    )
  })
})

describe('task-ids', () => {
  it('none: every entry has no task ID and uses the common endpoint', () => {
    const entries = inputs({ urls: `${CAT}\n${DOG}` }).entries
    expect(entries.map(e => [e.taskId, e.endpoint])).toEqual([
      [null, 'common'],
      [null, 'common']
    ])
  })

  it('one: applies to every URL', () => {
    const entries = inputs({ urls: `${CAT}\n${DOG}`, 'task-ids': ' t-all ' }).entries
    expect(entries.map(e => [e.taskId, e.endpoint])).toEqual([
      ['t-all', 'gpt4o-image'],
      ['t-all', 'gpt4o-image']
    ])
  })

  it('one per URL: paired by position, newline or comma separated', () => {
    const entries = inputs({ urls: `${CAT}\n${DOG}`, 'task-ids': 't-1,\n t-2' }).entries
    expect(entries.map(e => e.taskId)).toEqual(['t-1', 't-2'])
  })

  it('a wrong count is an error naming task-ids and both counts', () => {
    const error = thrown({ urls: `${CAT}\n${DOG}\n${CAT}`, 'task-ids': 't-1,t-2' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain("Input 'task-ids' has 2 IDs for 3 URLs")
    expect(error?.message).toContain('expected none, one for every URL')
  })

  it("lose to a JSON item's own taskId", () => {
    const urls = JSON.stringify([{ url: CAT, taskId: 'own' }, DOG])
    const entries = inputs({ urls, 'task-ids': 'given-1,given-2' }).entries
    expect(entries.map(e => e.taskId)).toEqual(['own', 'given-2'])
  })

  it('fill in for a JSON item whose taskId is blank', () => {
    const urls = JSON.stringify([{ url: CAT, taskId: '  ' }])
    expect(inputs({ urls, 'task-ids': 'given' }).entries[0].taskId).toBe('given')
  })
})

describe('endpoint', () => {
  it('auto picks gpt4o-image for entries with a task ID and common for the rest', () => {
    const urls = JSON.stringify([{ url: CAT, taskId: 't' }, DOG])
    expect(inputs({ urls }).entries.map(e => e.endpoint)).toEqual(['gpt4o-image', 'common'])
  })

  it('common is used even for entries with a task ID', () => {
    const settings = inputs({ urls: CAT, 'task-ids': 't', endpoint: 'common' })
    expect(settings.entries[0]).toMatchObject({ taskId: 't', endpoint: 'common' })
  })

  it('gpt4o-image with a task ID for every entry is accepted', () => {
    const settings = inputs({ urls: CAT, 'task-ids': 't', endpoint: 'gpt4o-image' })
    expect(settings.entries[0]).toMatchObject({ taskId: 't', endpoint: 'gpt4o-image' })
  })

  it('gpt4o-image without a task ID is an input error naming task-ids, the entry and the endpoint', () => {
    const error = thrown({ urls: `${CAT}?${SECRET}`, endpoint: 'gpt4o-image' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(
      "Input 'task-ids' has no task ID for the URL on line 1 of 'urls'"
    )
    expect(error?.message).toContain("'endpoint' is gpt4o-image")
    expect(error?.message).not.toContain('secret')
  })
})

describe('bad settings', () => {
  it.each([
    ['endpoint', 'fast', 'one of auto, common, gpt4o-image'],
    ['endpoint', 'COMMON', 'one of auto, common, gpt4o-image'],
    ['if-exists', 'replace', 'one of overwrite, skip, fail'],
    ['concurrency', '0', 'a whole number from 1 to 32'],
    ['concurrency', '33', 'a whole number from 1 to 32'],
    ['concurrency', '1.5', 'a whole number from 1 to 32'],
    ['concurrency', '-1', 'a whole number from 1 to 32'],
    ['concurrency', 'four', 'a whole number from 1 to 32'],
    ['retries', '11', 'a whole number from 0 to 10'],
    ['retries', '1e1', 'a whole number from 0 to 10'],
    ['timeout', '0', 'a number of seconds above 0 and at most 3600'],
    ['timeout', '3601', 'a number of seconds above 0 and at most 3600'],
    ['timeout', '-5', 'a number of seconds above 0 and at most 3600'],
    ['timeout', '1m', 'a number of seconds above 0 and at most 3600'],
    ['fail-on-error', 'yes', 'true or false'],
    ['fail-on-error', '1', 'true or false'],
    ['shard', '0/4', 'I/N with 1 <= I <= N <= 1000, e.g. 2/4, or empty'],
    ['shard', '5/4', 'I/N with 1 <= I <= N <= 1000, e.g. 2/4, or empty']
  ])(
    '%s: %j is an error naming the input, the value and the expected form',
    (name, value, expected) => {
      const error = thrown({ urls: CAT, [name]: value })
      expect(error).toBeInstanceOf(InputError)
      expect(error?.message).toBe(`Input '${name}' is "${value}": expected ${expected}.`)
    }
  )

  // Bug (cosmetic): boolean() lower-cases the value before quoting it, so `Yes` is shown as "yes".
  it('fail-on-error: shows a bad value as written', () => {
    expect(thrown({ urls: CAT, 'fail-on-error': 'Yes' })?.message).toContain('"Yes"')
  })

  it('shortens a very long bad value to 40 characters, the last one an ellipsis', () => {
    const error = thrown({ urls: CAT, endpoint: 'x'.repeat(500) })
    expect(error?.message).toBe(
      `Input 'endpoint' is "${'x'.repeat(39)}…": expected one of auto, common, gpt4o-image.`
    )
  })

  it('filename with an unknown token is an error naming filename, the token and the tokens', () => {
    const error = thrown({ urls: CAT, filename: '{taskId}/{foo}-{name}' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      "Input 'filename' has an unknown token {foo}: expected a template using {name}, {stem}, {ext} (with its dot, e.g. .png), {index}, {n} or {taskId}."
    )
  })

  it('filename of only spaces is an error naming filename', () => {
    const error = thrown({ urls: CAT, filename: '   ' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(/^Input 'filename' is empty/)
  })

  it('an empty path is an error naming path', () => {
    const error = thrown({ urls: CAT, path: '' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(/^Input 'path' is empty/)
  })

  it('a base-url that is not an http(s) URL is an error naming base-url', () => {
    const error = thrown({ urls: CAT, 'base-url': 'api.kie.ai' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain('Input \'base-url\' has an invalid URL "api.kie.ai"')
  })
})

describe('one-line inputs', () => {
  it('refuses a path with a line break before anything else, so no workflow command can start', () => {
    const error = thrown({ urls: CAT, path: 'dl\n::warning::pwn' })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toBe(
      'Input \'path\' is "dl ::warning::pwn", with a control character or line break in it: expected one line of text.'
    )
  })

  it.each([
    ['filename', '{name}\r\n'],
    ['filename', 'a\u0000{name}'],
    ['base-url', 'https://api.kie.ai/\nx'],
    ['task-type', 'market\tveo'],
    ['urls-file', 'list.txt\n'],
    ['wait', '1\u001b'],
    ['shard', '1\n/2'],
    ['if-exists', 'skip\u2028'],
    ['concurrency', '4\u0085']
  ])('refuses a control character in %s (%j)', (name, value) => {
    // The runner trims an input's ends: only what stands inside counts.
    const error = thrown({ urls: CAT, [name]: ` x${value}x ` })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(`Input '${name}' is`)
    expect(error?.message).toContain('with a control character or line break in it')
  })

  it('accepts line breaks in the list inputs', () => {
    expect(inputs({ urls: `${CAT}\n${DOG}\n` }).entries).toHaveLength(2)
  })
})

describe('base-url over plain http', () => {
  it.each([
    'http://127.0.0.1:8080',
    'http://127.1.2.3/kie',
    'http://[::1]:9000',
    'http://localhost'
  ])('is allowed to this machine: %s', url => {
    expect(inputs({ urls: CAT, 'base-url': url }).baseUrl).toBe(url.replace(/\/$/, ''))
  })

  it.each([
    'http://api.kie.ai',
    'http://10.0.0.5:8080',
    'http://128.0.0.1',
    'http://localhost.evil.example'
  ])('is refused to any other host, saying why: %s', url => {
    const error = thrown({ urls: CAT, 'base-url': url })
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(
      /^Input 'base-url' is ".*": plain http would send the API key unencrypted to .*: expected an https:\/\/ URL \(http:\/\/ only for 127\.0\.0\.1, ::1 or localhost/
    )
  })
})

describe('good settings', () => {
  it('are read from the action.yml defaults', () => {
    const settings = inputs({ urls: CAT })
    expect(settings).toMatchObject({
      apiKey: KEY,
      entries: [{ kind: 'url', index: 1, url: CAT, taskId: null, endpoint: 'common' }],
      baseUrl: 'https://api.kie.ai',
      dir: path.join(workspace, 'kie-downloads'),
      filename: '{name}',
      ifExists: 'overwrite',
      concurrency: 4,
      retries: 4,
      timeoutMs: 60_000,
      waitMs: 900_000,
      results: 'main',
      failOnError: true
    })
  })

  it('take every value in range, and booleans in any case', () => {
    const settings = inputs({
      urls: CAT,
      'if-exists': 'skip',
      concurrency: '32',
      retries: '0',
      timeout: '0.5',
      'fail-on-error': 'FALSE'
    })
    expect(settings).toMatchObject({
      ifExists: 'skip',
      concurrency: 32,
      retries: 0,
      timeoutMs: 500,
      failOnError: false
    })
  })

  it('strip trailing slashes from base-url', () => {
    expect(inputs({ urls: CAT, 'base-url': 'https://api.apikley.ru//' }).baseUrl).toBe(
      'https://api.apikley.ru'
    )
    expect(inputs({ urls: CAT, 'base-url': 'http://127.0.0.1:8080/kie/' }).baseUrl).toBe(
      'http://127.0.0.1:8080/kie'
    )
  })

  it('resolve a relative path against the workspace', () => {
    expect(inputs({ urls: CAT, path: 'out/files' }).dir).toBe(path.join(workspace, 'out', 'files'))
  })

  it.each([
    ['~', ''],
    ['~/dl', 'dl'],
    ['~/a/../b', 'b']
  ])('expand a leading ~ in path to the home folder: %s', (value, below) => {
    expect(inputs({ urls: CAT, path: value }).dir).toBe(path.join(os.homedir(), below))
  })

  it.each(['~user/dl', 'dl/~', '~dl'])(
    'keep a ~ that is not a whole leading segment: %s',
    value => {
      expect(inputs({ urls: CAT, path: value }).dir).toBe(path.join(workspace, value))
    }
  )

  it('take fail-on-error as YAML spells booleans (core.getBooleanInput)', () => {
    expect(inputs({ urls: CAT, 'fail-on-error': 'True' }).failOnError).toBe(true)
    expect(inputs({ urls: CAT, 'fail-on-error': 'false' }).failOnError).toBe(false)
  })

  it('keep an absolute path as it is', () => {
    const absolute = path.join(os.tmpdir(), 'elsewhere')
    expect(inputs({ urls: CAT, path: absolute }).dir).toBe(absolute)
  })
})

describe('any urls value (property)', () => {
  const urlsValue = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.webUrl().map(u => `${u}\n, ${u}`),
    fc.jsonValue().map(v => JSON.stringify(v)),
    fc
      .array(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.record(
            { url: fc.oneof(fc.webUrl(), fc.jsonValue()), taskId: fc.jsonValue() },
            { requiredKeys: [] }
          ),
          fc.jsonValue()
        ),
        { maxLength: 4 }
      )
      .map(v => JSON.stringify(v))
  )

  it('gives settings or an InputError, never another error', () => {
    fc.assert(
      fc.property(urlsValue, urls => {
        setInputs({ urls })
        let outcome: unknown
        try {
          const settings = getInputs()
          outcome =
            settings.entries.length > 0
              ? 'settings'
              : settings.empty?.kind === 'no-entries' || settings.empty?.kind === 'none-given'
                ? 'an empty list'
                : 'settings without entries or a reason'
        } catch (error) {
          outcome = error instanceof InputError ? 'InputError' : error
        }
        // The other error itself is shown when this fails.
        expect(['settings', 'an empty list', 'InputError']).toContain(outcome)
      }),
      { numRuns: 1000 }
    )
  })

  it('accepts any http(s) URL listed in a JSON array', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true }),
        url => {
          setInputs({ urls: JSON.stringify([url]) })
          expect(getInputs().entries[0]).toMatchObject({ url: new URL(url).href })
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('shard', () => {
  const list = Array.from({ length: 12 }, (_, i) => `https://tempfile.aiquickdraw.com/v/${i}.png`)

  it('keeps the whole list, other shards’ entries marked foreign, each entry in one shard', () => {
    const own = ['1/3', '2/3', '3/3'].map(shard => {
      const settings = inputs({ urls: list.join('\n'), shard })
      expect(settings.shard).toEqual({ index: Number(shard[0]), total: 3 })
      expect(settings.entries.map(e => [e.index, e.kind === 'url' && e.url])).toEqual(
        list.map((u, i) => [i + 1, u])
      )
      return settings.entries.filter(e => !e.foreign).map(e => e.index)
    })
    expect(own.flat().sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1))
  })

  it('refuses {name} or {ext} before the end of filename when a URL has no extension', () => {
    const urls = `${CAT}\nhttps://musicfile.kie.ai/s/ZTJlLWF1ZGlv`
    expect(thrown({ urls, shard: '1/2', filename: '{name}-{index}' })?.message).toMatch(
      /^Input 'filename' has \{name\} or \{ext\} before its end, but with 'shard' set the list holds a URL without an extension \(on line 2 of 'urls'\)/
    )
    expect(inputs({ urls, shard: '1/2', filename: '{index}-{name}' }).entries).toHaveLength(2)
    expect(inputs({ urls: CAT, shard: '1/2', filename: '{name}-{index}' }).entries).toHaveLength(1)
  })
})

describe('summary and if-no-files-found', () => {
  it.each(['full', 'failures', 'off'] as const)('summary %s is read', summary => {
    expect(inputs({ urls: CAT, summary }).summary).toBe(summary)
  })

  it.each(['warn', 'error', 'ignore'] as const)('if-no-files-found %s is read', value => {
    expect(inputs({ urls: CAT, 'if-no-files-found': value }).ifNoFilesFound).toBe(value)
  })

  it('refuses another summary value, naming the input', () => {
    expect(thrown({ urls: CAT, summary: 'none' })?.message).toBe(
      `Input 'summary' is "none": expected one of full, failures, off.`
    )
  })
})
