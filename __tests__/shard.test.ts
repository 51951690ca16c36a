// The shard input: properties of the split (a partition, balanced, by URL) and what matrix jobs see of it.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { inShard } from '../src/inputs/inputs.js'
import { runAction } from './helpers/run-action.js'

/** The 1-based indexes of the shards (of `total`) that claim `url`. */
function owners(url: string, total: number): number[] {
  return Array.from({ length: total }, (_, i) => i + 1).filter(index =>
    inShard(url, { index, total })
  )
}

/**
 * The one shard that claims `url` (the partition property below guarantees there is one): the
 * first that does, without asking the rest (the spread property asks 36,000 URLs at a time).
 */
function ownerOf(url: string, total: number): number {
  for (let index = 1; index <= total; index++) if (inShard(url, { index, total })) return index
  throw new Error(`no shard of ${total} claims ${url}`)
}

describe('inShard (properties)', () => {
  it('puts every URL in exactly one of N shards, for any N', () => {
    fc.assert(
      fc.property(
        fc.array(fc.webUrl({ withQueryParameters: true, withFragments: true }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 32 }),
        (urls, total) => {
          for (const url of urls) expect(owners(url, total)).toHaveLength(1)
        }
      )
    )
  })

  it('keeps every copy of a URL listed more than once in the same shard', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.webUrl(), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 2, max: 16 }),
        fc.func(fc.nat()),
        (urls, total, pick) => {
          // Some URLs again, in another order, after the first listing.
          const listed = [...urls, ...urls.filter((_, i) => pick(i) % 2 === 0).reverse()]
          const shardOf = new Map<string, number>()
          for (const url of listed) {
            const owner = ownerOf(url, total)
            expect(shardOf.get(url) ?? owner).toBe(owner)
            shardOf.set(url, owner)
          }
        }
      )
    )
  })

  // Bound: every shard holds n/N ± 6·sqrt(n/N) of n distinct URLs. A uniform hash strays that far
  // with a probability below 1e-8 per shard, so a failure means the split is skewed (e.g. it hashes
  // only the host, or the modulo favours low indexes), not bad luck. The URLs share one host and
  // path and differ only at the end, like a real list of one generation's results.
  it('spreads a large list evenly: each shard within n/N ± 6·√(n/N)', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: false, withFragments: false }),
        fc.integer({ min: 1000, max: 3000 }),
        fc.integer({ min: 2, max: 12 }),
        (base, n, total) => {
          const sizes = new Array<number>(total).fill(0)
          for (let i = 0; i < n; i++) sizes[ownerOf(`${base}/${i}.png`, total) - 1]++
          const mean = n / total
          const bound = 6 * Math.sqrt(mean)
          for (const size of sizes) expect(Math.abs(size - mean)).toBeLessThanOrEqual(bound)
        }
      ),
      { numRuns: 20 }
    )
  })
})

describe('shard input', () => {
  it('matrix jobs with shard I/N download disjoint parts that cover the list, duplicates together', async () => {
    const urls = Array.from({ length: 12 }, (_, i) => `https://tempfile.aiquickdraw.com/v/${i}.png`)
    const listed = [...urls, urls[3], urls[7]]
    // No API is reachable: every entry fails, which is enough to see which entries each shard owns.
    const seen: string[] = []
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await runAction({
        'api-key': 'k',
        urls: listed.join('\n'),
        shard,
        retries: '0',
        'base-url': 'http://127.0.0.1:1'
      })
      const mine = r.files.map(f => f.url as string)
      seen.push(...mine)
      expect(r.outputs.failed).toBe(String(r.files.length))
      // A URL listed twice is in this shard's files twice or not at all.
      for (const twice of [urls[3], urls[7]]) {
        expect([0, 2]).toContain(mine.filter(url => url === twice).length)
      }
    }
    expect(seen.sort()).toEqual([...listed].sort())
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
