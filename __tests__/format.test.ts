// Wording shared by the log, the summary and the step's error: counts, cuts, shards, empty lists.
import { describe, expect, it } from '@jest/globals'
import { clip, countsText, nothingText, shardText, totals } from '../src/report/format.js'
import { badKey, withFailures, withTasks } from './golden/runs.js'

describe('countsText', () => {
  it('says files and tasks apart: a failed task is not a failed file', () => {
    expect(countsText(totals(withTasks))).toBe(
      '3 files downloaded, 2 skipped; 1 task failed, 1 timed out'
    )
    expect(countsText(totals(withFailures))).toBe('1 file downloaded, 1 skipped, 3 failed')
    expect(countsText(totals(badKey))).toBe('0 files downloaded, 1 failed, 199 not started')
  })
})

describe('clip', () => {
  it('leaves short text alone', () => {
    expect(clip('a short reason', 20)).toBe('a short reason')
  })

  it('cuts at the last word that fits, with an ellipsis and no dangling comma', () => {
    expect(clip('kie.ai answered 422, validation error: not a file URL', 30)).toBe(
      'kie.ai answered 422…'
    )
    expect(clip('one two, three four', 13)).toBe('one two…')
  })

  it('cuts a single long word where the room ends', () => {
    expect(clip('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})

describe('shardText and nothingText', () => {
  const shard = { index: 2, total: 4 }

  it('says which shard ran and how much of the list it got', () => {
    expect(shardText(shard, 25, 100)).toBe('shard 2/4: 25 of 100 entries')
    expect(shardText(shard, 1, 1)).toBe('shard 2/4: 1 of 1 entry')
  })

  it('names where an empty list came from', () => {
    expect(nothingText({ kind: 'none-given', inputs: [], file: null, total: 0 }, null)).toBe(
      "Nothing to download: 'urls', 'urls-file' and 'task-ids' are all empty."
    )
    expect(
      nothingText({ kind: 'no-entries', inputs: ['urls-file'], file: 'new.txt', total: 0 }, null)
    ).toBe(
      "Nothing to download: 'urls-file' (new.txt) lists no file URL and no task (only blank lines, # comments or an empty array)."
    )
    expect(
      nothingText(
        { kind: 'no-entries', inputs: ['urls', 'urls-file'], file: 'a.txt', total: 0 },
        null
      )
    ).toMatch(/^Nothing to download: 'urls' and 'urls-file' \(a\.txt\) list no file URL/)
    expect(nothingText({ kind: 'shard', inputs: ['urls'], file: null, total: 3 }, shard)).toBe(
      "Nothing to download: shard 2/4 got none of the 3 entries of 'urls'."
    )
  })
})
