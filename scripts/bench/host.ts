// The benchmark's kie.ai: the loopback sandbox (sandbox/), shaped per scenario, with what a run is measured by.
import { Sandbox, type SandboxOptions } from '../../sandbox/index.ts'

/** Where the benchmark's files say they were generated; only a key, never fetched. */
const URL_PREFIX = 'https://tempfile.aiquickdraw.com/bench/'
/** Enough for every scenario's files (the big one's 1 GiB included). */
const CACHE_BYTES = 2 ** 31

/** What one run cost the host: API calls, those over the rate limit, and when the first request came. */
export interface HostCounters {
  apiCalls: number
  rateLimited: number
  /** Date.now() when the first request of the run arrived (either server). */
  firstRequestEpoch?: number
}

/**
 * A sandbox started with a scenario's latency, bandwidth and rate limit (SandboxOptions), reset to
 * the same state before each run: request log empty, rate-limit bucket full.
 */
export class BenchHost {
  readonly sandbox: Sandbox
  readonly #options: SandboxOptions

  private constructor(sandbox: Sandbox, options: SandboxOptions) {
    this.sandbox = sandbox
    this.#options = options
  }

  static async start(options: SandboxOptions = {}): Promise<BenchHost> {
    // Files are held in memory, so serving them costs next to no CPU: on 2 cores, a host that
    // generates its bytes would take time from the client under test, as no real host does.
    const sandbox = await Sandbox.start({ contentCacheBytes: CACHE_BYTES, ...options })
    return new BenchHost(sandbox, options)
  }

  get baseUrl(): string {
    return this.sandbox.baseUrl
  }

  get apiKey(): string {
    return this.sandbox.apiKey
  }

  /** Pretend kie.ai generated `name` (e.g. `a-1.png`) with `size` bytes; returns its kie.ai URL. */
  async add(name: string, size: number): Promise<string> {
    return (await this.sandbox.register({ url: URL_PREFIX + name, size })).url
  }

  /** Registers `count` files named by `name(i)`, each `size(i)` bytes; their kie.ai URLs in order. */
  async addAll(
    count: number,
    name: (i: number) => string,
    size: (i: number) => number
  ): Promise<string[]> {
    const urls: string[] = []
    for (let i = 0; i < count; i++) urls.push(await this.add(name(i), size(i)))
    return urls
  }

  /** A fresh run: the request log emptied, the rate-limit bucket full. */
  reset(): void {
    this.sandbox.clearRequests()
    this.sandbox.setRateLimit(this.#options.rateLimit)
  }

  counters(): HostCounters {
    const api = this.sandbox.requests.filter(r => r.target === 'api')
    return {
      apiCalls: api.length,
      rateLimited: api.filter(r => r.rateLimited).length,
      firstRequestEpoch: this.sandbox.requests[0]?.at
    }
  }

  close(): Promise<void> {
    return this.sandbox.close()
  }
}
