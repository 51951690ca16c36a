// Names in input order whatever order facts arrive: the same input always gives the same names.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { TaskEntry } from '../src/inputs/inputs.js'
import { NameRegistry } from '../src/place/naming.js'
import { type FileJob, deferred, newJob } from '../src/pipeline/jobs.js'
import type { Listing, TaskListing } from '../src/pipeline/listings.js'
import { Namer } from '../src/pipeline/namer.js'

const task = (taskId: string): TaskEntry => ({
  kind: 'task',
  index: 0,
  taskId,
  type: 'market',
  endpoint: 'common'
})

const origin = (url: string) =>
  ({ url, taskId: null, family: null, endpoint: 'common', n: 1, extra: false }) as const

function urlListing(url: string, position: number, repeats?: FileJob): Listing {
  const disposition = repeats ? { kind: 'repeat' as const, of: repeats } : undefined
  return { kind: 'url', job: newJob(origin(url), position, disposition) }
}

function taskListing(taskId: string, position: number): TaskListing {
  return { kind: 'task', entry: task(taskId), position, jobs: deferred<FileJob[]>() }
}

function taskJobs(taskId: string, urls: string[], position: number): FileJob[] {
  return urls.map((url, i) =>
    newJob({ url, taskId, family: 'market', endpoint: 'common', n: i + 1, extra: false }, position)
  )
}

/** A list of URL entries (some without an extension) and tasks; the facts each waits for. */
function scenario(): { listings: Listing[]; facts: Array<() => void> } {
  const listings: Listing[] = [
    urlListing('https://h/v/a.png', 0),
    urlListing('https://h/v/noext', 1),
    taskListing('t1', 2),
    urlListing('https://h/v/a.png?2', 3),
    urlListing('https://h/v/noext2', 4),
    taskListing('t2', 5)
  ]
  const facts: Array<() => void> = []
  const job = (i: number): FileJob => jobOf(listings[i])
  facts.push(() => job(1).ext.resolve('.mp3'))
  facts.push(() => job(4).ext.resolve(''))
  const t1 = taskJobs('t1', ['https://h/r/a.png', 'https://h/r/x'], 2)
  facts.push(() => (listings[2] as TaskListing).jobs.resolve(t1))
  facts.push(() => t1[1].ext.resolve('.jpg'))
  facts.push(() => (listings[5] as TaskListing).jobs.resolve([]))
  return { listings, facts }
}

const jobOf = (listing: Listing): FileJob => (listing as Extract<Listing, { kind: 'url' }>).job

async function names(order: number[]): Promise<Array<[number, string | null]>> {
  const { listings, facts } = scenario()
  const namer = new Namer(listings, '{taskId}/{index}-{n}-{name}', new NameRegistry())
  const done = namer.run()
  for (const i of order) {
    facts[i]()
    await new Promise(resolve => setImmediate(resolve))
  }
  await done
  return listings.flatMap(s =>
    s.kind === 'url'
      ? [[s.job.index, s.job.name] as [number, string | null]]
      : (s.jobs.peek()?.value ?? []).map(j => [j.index, j.name] as [number, string | null])
  )
}

describe('Namer', () => {
  it('names in input order, each task’s results in its place, {index} counting files and {n} within a task', async () => {
    expect(await names([0, 1, 2, 3, 4])).toEqual([
      [1, '1-1-a.png'],
      [2, '2-1-noext.mp3'],
      [3, 't1/3-1-a.png'],
      [4, 't1/4-2-x.jpg'],
      [5, '5-1-a.png'],
      [6, '6-1-noext2']
    ])
  })

  it('gives the same names whatever order the facts arrive in (property)', async () => {
    const expected = await names([0, 1, 2, 3, 4])
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 }), async order => {
        expect(await names(order)).toEqual(expected)
      }),
      { numRuns: 60 }
    )
  })

  it('names what it can at once and waits only where a name depends on a fact not yet known', () => {
    const { listings } = scenario()
    const namer = new Namer(listings, '{name}', new NameRegistry())
    expect(namer.advance()).not.toBeNull()
    const first = jobOf(listings[0])
    const second = jobOf(listings[1])
    expect([first.name, second.name]).toEqual(['a.png', null])
  })

  it('a task without files holds one position for its report row', async () => {
    const { listings, facts } = scenario()
    const namer = new Namer(listings, '{name}', new NameRegistry())
    const done = namer.run()
    for (const fact of facts) fact()
    await done
    expect((listings[5] as TaskListing).placeholderIndex).toBe(7)
  })

  it('a repeated URL takes the name of its first listing without claiming another', async () => {
    const a = urlListing('https://h/v/a.png', 0)
    const first = jobOf(a)
    const b = urlListing('https://h/v/a.png', 1, first)
    const again = jobOf(b)
    await new Namer([a, b], '{name}', new NameRegistry()).run()
    expect([first.name, again.name, again.index]).toEqual(['a.png', 'a.png', 2])
  })
})

describe('Namer from the list alone (a sharded run)', () => {
  /** URL listings; none of their facts ever arrives unless a test resolves them. */
  const listingsOf = (urls: string[]): Listing[] => urls.map((url, i) => urlListing(url, i))

  it('names every URL with an extension at once, as an unsharded run does, waiting for nothing', async () => {
    const urls = ['https://h/a/cover.png', 'https://h/b/cover.png', 'https://h/c/COVER.png']
    const listOnly = listingsOf(urls)
    expect(
      new Namer(listOnly, '{index}-{name}', new NameRegistry(), { fromListOnly: true }).advance()
    ).toBeNull()
    const unsharded = listingsOf(urls)
    await new Namer(unsharded, '{index}-{name}', new NameRegistry()).run()
    expect(listOnly.map(s => jobOf(s).name)).toEqual(unsharded.map(s => jobOf(s).name))
    expect(listOnly.map(s => jobOf(s).name)).toEqual(['1-cover.png', '2-cover.png', '3-COVER.png'])
  })

  it('does not wait for a URL without an extension: it keeps its name open for any extension', async () => {
    const listings = listingsOf(['https://h/s/song', 'https://h/v/song.png', 'https://h/v/x.png'])
    const namer = new Namer(listings, '{name}', new NameRegistry(), { fromListOnly: true })
    expect(namer.advance()).toBeNull()
    const [song, png, x] = listings.map(jobOf)
    // song.png could be what `song` becomes: it is kept from it, whatever the Content-Type says.
    expect([song.name, png.name, x.name]).toEqual([null, 'song-2.png', 'x.png'])
    expect([song.index, png.index, x.index]).toEqual([1, 2, 3])
    song.ext.resolve('.png')
    await song.named.promise
    expect(song.name).toBe('song.png')
  })

  it('gives a repeat of an open URL the name of its first listing once it is known', async () => {
    const first = jobOf(urlListing('https://h/s/song', 0))
    const listings = [
      { kind: 'url', job: first } as const,
      urlListing('https://h/s/song', 1, first)
    ]
    const again = jobOf(listings[1])
    new Namer(listings, '{name}', new NameRegistry(), { fromListOnly: true }).advance()
    first.ext.resolve('.mp3')
    await again.named.promise
    expect([first.name, again.name, again.index]).toEqual(['song.mp3', 'song.mp3', 2])
  })

  it('decides the same names whichever entries a shard fetches (the others never answer)', () => {
    const urls = ['https://h/s/a', 'https://h/v/a.mp3', 'https://h/s/a', 'https://h/v/A.png']
    const names = (answered: number[]): Array<string | null> => {
      const listings = listingsOf(urls)
      new Namer(listings, '{name}', new NameRegistry(), { fromListOnly: true }).advance()
      for (const i of answered) jobOf(listings[i]).ext.resolve('.mp3')
      return listings.map(s => jobOf(s).openBase ?? jobOf(s).name)
    }
    expect(names([0])).toEqual(names([2]))
    expect(names([])).toEqual(['a', 'a-2.mp3', 'a-3', 'A-2.png'])
  })
})
