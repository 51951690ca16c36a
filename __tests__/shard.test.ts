import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { inShard } from '../src/inputs/inputs.js'
import { runAction } from './helpers/run-action.js'

describe('shard', () => {
  it('puts every URL in exactly one of N shards (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.webUrl(), { maxLength: 50 }),
        fc.integer({ min: 1, max: 16 }),
        (urls, total) => {
          for (const url of urls) {
            const owners = Array.from({ length: total }, (_, i) => i + 1).filter(index =>
              inShard(url, { index, total })
            )
            expect(owners).toHaveLength(1)
          }
        }
      )
    )
  })

  it('spreads 1,000 URLs over 4 shards roughly evenly, the same way every time', () => {
    const urls = Array.from(
      { length: 1000 },
      (_, i) => `https://tempfile.aiquickdraw.com/v/${i}.png`
    )
    const sizes = [1, 2, 3, 4].map(
      index => urls.filter(u => inShard(u, { index, total: 4 })).length
    )
    expect(sizes.reduce((a, b) => a + b)).toBe(1000)
    for (const size of sizes) expect(size).toBeGreaterThan(200)
    expect(
      [1, 2, 3, 4].map(index => urls.filter(u => inShard(u, { index, total: 4 })).length)
    ).toEqual(sizes)
  })

  it('matrix jobs with shard I/N download disjoint parts that cover the list', async () => {
    const urls = Array.from({ length: 12 }, (_, i) => `https://tempfile.aiquickdraw.com/v/${i}.png`)
    // No API is reachable: every entry fails, which is enough to see which entries each shard owns.
    const seen: string[] = []
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await runAction({
        'api-key': 'k',
        urls: urls.join('\n'),
        shard,
        retries: '0',
        'base-url': 'http://127.0.0.1:1'
      })
      seen.push(...r.files.map(f => f.url as string))
      expect(r.outputs.failed).toBe(String(r.files.length))
    }
    expect(seen.sort()).toEqual([...urls].sort())
  })

  it.each(['0/3', '4/3', '1/0', 'a/b', '1', '2/3/4'])(
    'rejects shard "%s" naming the input',
    async shard => {
      const r = await runAction({ 'api-key': 'k', urls: 'https://a.example/x.png', shard })
      expect(r.failed).toBe(true)
      expect(r.log).toContain(`Input 'shard' is "${shard}"`)
    }
  )
})
