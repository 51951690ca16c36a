import { describe, expect, it } from '@jest/globals'
import { TransferError } from '../src/errors.js'
import { expiredError } from '../src/pipeline/fetch.js'

const gone = new TransferError('file host answered HTTP 404 NoSuchKey', { gone: true })
const CREATED = Date.UTC(2026, 9, 1, 8, 30)
const HOUR = 3_600_000

describe('expiredError', () => {
  it('says the file expired, then what the host said, and is final', () => {
    const e = expiredError(gone, undefined, CREATED)
    expect(e.message).toBe(
      'the file has expired on kie.ai (kept up to 14 days, links often die sooner): file host answered HTTP 404 NoSuchKey again with a fresh signed URL'
    )
    expect([e.retryable, e.refreshUrl, e.gone]).toEqual([false, false, false])
  })

  it.each([
    [20 * 24 * HOUR, '20 days ago'],
    [2 * 24 * HOUR, '2 days ago'],
    [30 * HOUR, '30 hours ago'],
    [1 * HOUR, '1 hour ago'],
    [10 * 60_000, 'less than an hour ago']
  ])('names when the task was created, %i ms before: %s', (ms, ago) => {
    expect(expiredError(gone, CREATED, CREATED + ms).message).toContain(
      `; its task was created 2026-10-01 08:30 UTC, ${ago}): `
    )
  })
})
