// The start order: likely-long files first (by the URL's extension), a stable sort otherwise.
import { describe, expect, it } from '@jest/globals'
import { newJob } from '../src/pipeline/jobs.js'
import { startOrder } from '../src/pipeline/order.js'

const job = (name: string, at: number) =>
  newJob(
    {
      url: `https://tempfile.aiquickdraw.com/x/${name}`,
      taskId: null,
      family: null,
      endpoint: 'common',
      n: 1,
      extra: false
    },
    at
  )

describe('startOrder', () => {
  it('puts URLs without an extension first, then video, audio and everything else, keeping input order within each', () => {
    const names = ['1.png', '2.MP4', '3', '4.wav', '5.mov?x=1', '6.json', '7.mp3', '8.webm']
    const order = startOrder(names.map(job)).map(j => j.url.split('/').pop())
    expect(order).toEqual([
      '3',
      '2.MP4',
      '5.mov?x=1',
      '8.webm',
      '4.wav',
      '7.mp3',
      '1.png',
      '6.json'
    ])
  })

  it('leaves a list without video or audio as it is', () => {
    const jobs = ['b.png', 'a.jpg', 'c.json'].map(job)
    expect(startOrder(jobs)).toEqual(jobs)
  })
})
