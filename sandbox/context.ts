// What the API and file host handlers share: settings, registry, signer, faults and the log.
import type { FaultQueue } from './faults.ts'
import type { FileRegistry } from './registry.ts'
import type { Signer } from './signing.ts'
import type { TokenBucket } from './rate-limit.ts'
import type { FaultTarget, LoggedRequest } from './types.ts'
import type { StallRelease } from './wire.ts'

export interface SandboxContext {
  apiKey: string
  errorStyle: 'body' | 'http'
  ttlSeconds: number
  /** Mutable: setLatency changes it while servers run. */
  latency: { apiMs: number; fileMs: number }
  /** Bytes per second of each file host answer; unshaped when undefined. */
  bytesPerSecond?: number
  /** The API's rate limit; none when undefined. Mutable: setRateLimit starts a full bucket. */
  rateLimit?: TokenBucket
  /** Requests being answered now, and the most at once since clearRequests(), per server. */
  inFlight: Record<FaultTarget, number>
  peakInFlight: Record<FaultTarget, number>
  now: () => number
  /** Root of the file host, known once it listens. */
  fileBaseUrl: string
  signer: Signer
  faults: FaultQueue
  files: FileRegistry
  log: LoggedRequest[]
  /** Sandbox.releaseStalls() ends every stall under way through this. */
  stalls: StallRelease
  /** Aborted by close(): ends latencies and stalls at once. */
  signal: AbortSignal
}
