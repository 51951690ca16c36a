// The fault queue: injected misbehaviours, each hitting the next matching calls in injection order.
import type { Fault, FaultRule, FaultTarget } from './types.ts'

// Kinds that only make sense where the sandbox mints signed URLs or writes kie.ai envelopes.
const API_ONLY: ReadonlySet<Fault['kind']> = new Set([
  'code',
  'expired',
  'badSignature',
  'signedUrl'
])

// Kinds only the file host implements.
const FILE_ONLY: ReadonlySet<Fault['kind']> = new Set([
  'partial',
  'encode',
  'chunked',
  'ignoreRange',
  'awaitRange',
  'mislabel',
  'awaitServed'
])
const ENCODINGS: ReadonlySet<string> = new Set(['gzip', 'deflate', 'deflate-raw', 'br'])

interface PendingRule {
  target: FaultTarget
  fault: Fault
  url?: string
  remaining: number
}

export class FaultQueue {
  #rules: PendingRule[] = []

  /** Queue a rule; throws on a rule that could never do what it says. */
  add(rule: FaultRule): void {
    const { target, fault, url } = rule
    const times = rule.times ?? 1
    if (target !== 'api' && target !== 'file') {
      throw new TypeError(`fault target must be 'api' or 'file', got ${String(target)}`)
    }
    if (target === 'file' && API_ONLY.has(fault.kind)) {
      throw new TypeError(`fault '${fault.kind}' applies to the api only`)
    }
    if (target === 'api' && FILE_ONLY.has(fault.kind)) {
      throw new TypeError(`fault '${fault.kind}' applies to the file host only`)
    }
    if (fault.kind === 'partial' && fault.bytes !== undefined && !(fault.bytes >= 0)) {
      throw new RangeError(`partial bytes must be >= 0, got ${fault.bytes}`)
    }
    if (fault.kind === 'trickle' && !(fault.bytesPerSecond > 0)) {
      throw new RangeError(`trickle bytesPerSecond must be > 0, got ${fault.bytesPerSecond}`)
    }
    if (fault.kind === 'drip' && !(fault.bytes > 0 && fault.everyMs > 0)) {
      throw new RangeError(
        `drip bytes and everyMs must be > 0, got ${fault.bytes}, ${fault.everyMs}`
      )
    }
    if (fault.kind === 'encode' && !ENCODINGS.has(fault.encoding)) {
      throw new RangeError(`encode encoding must be gzip, deflate, deflate-raw or br`)
    }
    if (fault.kind === 'awaitRange' && !(fault.afterBytes >= 0)) {
      throw new RangeError(`awaitRange afterBytes must be >= 0, got ${fault.afterBytes}`)
    }
    if (fault.kind === 'awaitRange' && fault.closes !== undefined && !(fault.closes >= 1)) {
      throw new RangeError(`awaitRange closes must be >= 1, got ${fault.closes}`)
    }
    if (fault.kind === 'awaitServed' && !(Array.isArray(fault.urls) && fault.urls.length > 0)) {
      throw new RangeError(`awaitServed urls must list at least one url`)
    }
    if (!(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new RangeError(`fault times must be a positive integer or Infinity, got ${times}`)
    }
    const status =
      fault.kind === 'status' || fault.kind === 'redirect'
        ? fault.status
        : fault.kind === 'code'
          ? fault.httpStatus
          : undefined
    if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 999)) {
      throw new RangeError(`fault HTTP status must be an integer from 100 to 999, got ${status}`)
    }
    if (fault.kind === 'cut' && !(fault.afterBytes >= 0)) {
      throw new RangeError(`cut afterBytes must be >= 0, got ${fault.afterBytes}`)
    }
    this.#rules.push({ target, fault, url, remaining: times })
  }

  /** The fault for this call, if any, counting it down. */
  take(target: FaultTarget, url: string | undefined): Fault | undefined {
    const index = this.#rules.findIndex(
      r => r.target === target && (r.url === undefined || r.url === url)
    )
    if (index < 0) return undefined
    const rule = this.#rules[index]
    rule.remaining -= 1
    if (rule.remaining <= 0) this.#rules.splice(index, 1)
    return rule.fault
  }

  clear(): void {
    this.#rules = []
  }
}
