import { describe, expect, it } from '@jest/globals'
import { MAX_REASONS, failureMessage, failureSummary } from '../src/report/failure.js'
import {
  STOP_401,
  allGood,
  badKey,
  file,
  many,
  run,
  withFailures,
  withTasks
} from './golden/runs.js'

describe('the step’s one error', () => {
  it('is null when nothing failed, whatever fail-on-error says', () => {
    expect(failureMessage(allGood, true)).toBeNull()
    expect(failureMessage(allGood, false)).toBeNull()
  })

  it('lists each failed entry’s reason once, grouping entries with the same reason', () => {
    expect(failureMessage(withFailures, true)).toBe(
      [
        '3 of 5 files failed:',
        '#2 img-2.png, #5 img-5.png: file host answered HTTP 404',
        '#3 a|b`c<i>.png: kie.ai answered 422, validation error: "<img src=x onerror=alert(1)> | *bold* [x](javascript:alert(1))"'
      ].join('\n')
    )
  })

  it('is null with fail-on-error: false, while failureSummary still says what failed (for a warning)', () => {
    expect(failureMessage(withFailures, false)).toBeNull()
    expect(failureSummary(withFailures)).toMatch(/^3 of 5 files failed:/)
  })

  it('counts tasks apart from files and names each failed task once, by family and whole ID', () => {
    expect(failureMessage(withTasks, true)).toBe(
      [
        '2 of 4 tasks failed:',
        '4o-image task task_4o_9c1b2a3d4e5f failed: GENERATE_FAILED (400): content policy violation',
        'veo task veo_task_abcdef123456 timed out: still generating after 900 s'
      ].join('\n')
    )
  })

  it('says files and tasks apart when both failed', () => {
    const r = run([...withTasks.files, file(8, { status: 'failed' })], { tasks: withTasks.tasks })
    expect(failureSummary(r)?.split('\n')[0]).toBe('1 of 6 files failed; 2 of 4 tasks failed:')
  })

  it('cuts a long reason at a word, with an ellipsis', () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ')
    const line =
      failureMessage(run([file(1, { status: 'failed', error: words })]), true)?.split('\n')[1] ?? ''
    expect(line).toMatch(/^#1 img-1\.png: word0 word1 .* word\d+…$/)
    expect(words).toContain(line.slice('#1 img-1.png: '.length, -1))
    expect(line.length).toBeLessThanOrEqual('#1 img-1.png: '.length + 200)
  })

  it.each([true, false])(
    'fails a bad key with 200 URLs (fail-on-error: %s), naming the problem once in a few lines',
    failOnError => {
      const message = failureMessage(badKey, failOnError) ?? ''
      expect(message).toBe(`The run stopped: ${STOP_401}. 0 of 200 files done, 199 not started.`)
    }
  )

  it('fails a run with no credits and says what other failures came before the stop', () => {
    const stop = 'kie.ai answered 402, the account has no credits left'
    const r = run(
      [
        file(1),
        file(2, { status: 'failed' }),
        file(3, { status: 'failed', error: stop }),
        file(4, { status: 'failed', error: null, stoppedBy: 'not-started' })
      ],
      { stopped: stop }
    )
    expect(failureMessage(r, false)).toBe(
      [
        `The run stopped: ${stop}. 1 of 4 files done, 1 not started.`,
        'Other failures:',
        '#2 img-2.png: file host answered HTTP 404'
      ].join('\n')
    )
  })

  it('caps the list of reasons and the entries named for each', () => {
    const r = many(
      40,
      Array.from({ length: 40 }, (_, i) => i + 1)
    )
    r.files.forEach((f, i) => (f.error = `reason ${i % 15}`))
    const lines = (failureMessage(r, true) ?? '').split('\n')
    expect(lines).toHaveLength(MAX_REASONS + 2)
    expect(lines[0]).toBe('40 of 40 files failed:')
    expect(lines[1]).toBe('#1 img-1.png, #16 img-16.png, #31 img-31.png: reason 0')
    expect(lines.at(-1)).toBe('… and 5 more reasons (see the job summary or the `files` output)')
  })

  it('names more than three entries with one reason by count', () => {
    const r = many(5, [1, 2, 3, 4, 5])
    expect(failureMessage(r, true)).toBe(
      '5 of 5 files failed:\n#1 img-1.png, #2 img-2.png, #3 img-3.png and 2 more: file host answered HTTP 404'
    )
  })
})
