// Writing answers on the wire: latency, stalls, cuts, resets and trickles, streaming with backpressure.
import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import type { Fault, LoggedRequest } from './types.ts'

/** An answer before it is sent: the body streams, or is a small buffer. */
export interface Reply {
  status: number
  headers: OutgoingHttpHeaders
  body?: Buffer | Readable
}

export interface SendOptions {
  latencyMs: number
  /** The fault hitting this call, when it shapes how the reply goes out (stall, cut). */
  fault?: Fault
  signal: AbortSignal
  entry: LoggedRequest
  /** HEAD: headers only, Content-Length kept. */
  headOnly?: boolean
  /** For an awaitRange fault: resolves when the body may go on past afterBytes. */
  hold?: Promise<void>
  /** Pace the body at this many bytes per second (a trickle fault's own pace wins). */
  bytesPerSecond?: number
  /** Ends a stall fault early (Sandbox.releaseStalls). */
  stalls: StallRelease
}

/** Sandbox.releaseStalls(): every stall under way then goes on at once, as if its time were up. */
export class StallRelease {
  #next!: Promise<void>
  #release!: () => void

  constructor() {
    this.#arm()
  }

  /** Resolves at the next releaseAll(). */
  next(): Promise<void> {
    return this.#next
  }

  releaseAll(): void {
    const release = this.#release
    this.#arm()
    release()
  }

  #arm(): void {
    this.#next = new Promise(resolve => (this.#release = resolve))
  }
}

/**
 * Waits out a stall: `ms` (undefined: until the client goes away), or until a release; true when
 * the answer goes on, false when the client went away or the sandbox closed first.
 */
async function stall(
  res: ServerResponse,
  ms: number | undefined,
  signal: AbortSignal,
  stalls: StallRelease
): Promise<boolean> {
  const over = new AbortController()
  const either = AbortSignal.any([signal, over.signal])
  try {
    const gone = untilGone(res, either).then(() => false)
    const timeUp = ms === undefined ? gone : sleep(ms, either)
    return await Promise.race([gone, timeUp, stalls.next().then(() => true)])
  } finally {
    // Ends the timer and the listeners of whichever waits lost.
    over.abort()
  }
}

// Time for the client to read bytes already sent before a reset, since a RST makes the
// receiving kernel drop what the client has not read yet.
const RESET_GRACE_MS = 20

/** Sleep unless the sandbox closes first; true when the full time passed. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted
  try {
    await delay(ms, undefined, { signal })
    return true
  } catch {
    return false
  }
}

/** Resolves when the client goes away or the sandbox closes. */
export function untilGone(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (res.destroyed || res.socket?.destroyed || signal.aborted) return resolve()
    const done = () => {
      res.off('close', done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    res.once('close', done)
    signal.addEventListener('abort', done, { once: true })
  })
}

/** Tear the connection down with a TCP RST where possible (TLS sockets only allow destroy). */
export function resetSocket(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

/** Raw answers that replace the API's or the file host's own, for the faults that do that. */
export function faultReply(fault: Fault | undefined): Reply | 'reset' | undefined {
  switch (fault?.kind) {
    case 'reset':
      return 'reset'
    case 'status': {
      const body = Buffer.from(
        fault.body ?? `${fault.status} ${STATUS_CODES[fault.status] ?? ''}`.trim()
      )
      return {
        status: fault.status,
        headers: {
          'Content-Type': fault.contentType ?? 'text/plain; charset=utf-8',
          'Content-Length': body.length,
          ...(fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter })
        },
        body
      }
    }
    case 'redirect':
      return {
        status: fault.status ?? 302,
        headers: { Location: fault.location, 'Content-Length': 0 }
      }
    case 'drip':
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: drip(fault.bytes, fault.everyMs)
      }
    default:
      return undefined
  }
}

/** An endless body: `bytes` spaces every `everyMs`, until the stream is destroyed (send() does). */
function drip(bytes: number, everyMs: number): Readable {
  let timer: NodeJS.Timeout | undefined
  return new Readable({
    read() {
      timer ??= setInterval(() => this.push(Buffer.alloc(bytes, 0x20)), everyMs)
    },
    destroy(error, done) {
      clearInterval(timer)
      done(error)
    }
  })
}

/** Send a reply (or reset the socket), applying latency and the fault's stall or cut. */
export async function send(
  res: ServerResponse,
  reply: Reply | 'reset',
  options: SendOptions
): Promise<void> {
  const { fault, signal, entry } = options
  const body = reply === 'reset' ? undefined : reply.body
  try {
    if (!(await sleep(options.latencyMs, signal))) return
    if (fault?.kind === 'stall' && fault.afterBytes === undefined) {
      if (!(await stall(res, fault.ms, signal, options.stalls))) return
    }
    if (res.destroyed) return
    if (reply === 'reset') return resetSocket(res.socket)

    entry.status = reply.status
    res.writeHead(reply.status, reply.headers)
    if (options.headOnly || body === undefined) {
      res.end()
      return
    }
    await pump(res, body, {
      fault,
      signal,
      hold: options.hold,
      pace: pacer(options, signal),
      stalls: options.stalls
    })
  } finally {
    if (body instanceof Readable) body.destroy()
  }
}

function bodyFault(fault: Fault | undefined) {
  if (fault?.kind === 'cut' || fault?.kind === 'awaitRange') {
    return { limit: fault.afterBytes, fault }
  }
  if (fault?.kind === 'stall' && fault.afterBytes !== undefined) {
    return { limit: fault.afterBytes, fault }
  }
  return undefined
}

/** Waits before writing `n` more body bytes; false when the sandbox closed meanwhile. */
type Pace = (n: number) => Promise<boolean>

/**
 * Waits before each write until the bytes written so far and the next `n` are due at
 * `bytesPerSecond` from the first write. Waiting before rather than after a write means no byte
 * ever leaves early: a body of n bytes takes at least n / bytesPerSecond, as the benchmark's lower
 * bounds assume.
 */

function pacer({ bytesPerSecond }: SendOptions, signal: AbortSignal): Pace | undefined {
  if (!bytesPerSecond) return undefined
  let started: number | undefined
  let due = 0
  return n => {
    started ??= performance.now()
    due += n
    return sleep(started + (due / bytesPerSecond) * 1000 - performance.now(), signal)
  }
}

interface PumpOptions {
  fault: Fault | undefined
  signal: AbortSignal
  hold: Promise<void> | undefined
  pace: Pace | undefined
  stalls: StallRelease
}

// Streams the body; a cut or stall fires once there are bytes beyond afterBytes, so a body no
// longer than afterBytes goes out whole.
async function pump(
  res: ServerResponse,
  body: Buffer | Readable,
  { fault, signal, hold, pace, stalls }: PumpOptions
): Promise<void> {
  if (fault?.kind === 'trickle') return await trickle(res, body, fault.bytesPerSecond, signal)
  const pending = bodyFault(fault)
  let sent = 0
  const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(body) ? slices(body) : body
  for await (const data of chunks) {
    let chunk = data
    while (chunk.length > 0) {
      if (pending && sent + chunk.length > pending.limit) {
        const head = chunk.subarray(0, pending.limit - sent)
        chunk = chunk.subarray(head.length)
        sent += head.length
        if (pace && !(await pace(head.length))) return
        if (!(await writeFlushed(res, head))) return
        const f = pending.fault
        if (f.kind === 'cut') return await cut(res, f.mode, signal)
        if (f.kind === 'awaitRange') {
          const gone = untilGone(res, signal).then(() => false)
          if (!(await Promise.race([(hold ?? gone).then(() => true), gone]))) return
          pending.limit = Infinity
          continue
        }
        if (f.kind !== 'stall') return
        if (!(await stall(res, f.ms, signal, stalls))) return
        pending.limit = Infinity
        continue
      }
      if (pace && !(await pace(chunk.length))) return
      if (!(await write(res, chunk))) return
      sent += chunk.length
      chunk = chunk.subarray(chunk.length)
    }
  }
  res.end()
}

/**
 * Sends the body at about `bytesPerSecond`: a slice each tenth of a second, or one byte at a time
 * below 10 bytes per second. The body is cut into slices whatever the size of its own chunks
 * (64 KiB from contentStream), so a fast trickle is as fast as it says.
 */
async function trickle(
  res: ServerResponse,
  body: Buffer | Readable,
  bytesPerSecond: number,
  signal: AbortSignal
): Promise<void> {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10))
  const pauseMs = (slice / bytesPerSecond) * 1000
  const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(body) ? [body] : body
  let first = true
  let pending: Buffer[] = []
  let size = 0
  const flush = async (): Promise<boolean> => {
    if (!first && !(await sleep(pauseMs, signal))) return false
    first = false
    const piece = Buffer.concat(pending, size)
    pending = []
    size = 0
    return writeFlushed(res, piece)
  }
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length;) {
      const take = Math.min(slice - size, chunk.length - at)
      pending.push(chunk.subarray(at, at + take))
      size += take
      at += take
      if (size === slice && !(await flush())) return
    }
  }
  if (size > 0 && !(await flush())) return
  res.end()
}

/** A body held whole (a cached file) goes out in the chunks a stream would give: paced, cut and stalled alike. */
function slices(body: Buffer, size = 64 * 1024): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0; at < body.length; at += size) out.push(body.subarray(at, at + size))
  return out.length > 0 ? out : [body]
}

/** Write with backpressure; false when the client went away. */
function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false)
  if (res.write(chunk)) return Promise.resolve(true)
  return new Promise(resolve => {
    const onDrain = () => finish(true)
    const onClose = () => finish(false)
    const finish = (ok: boolean) => {
      res.off('drain', onDrain)
      res.off('close', onClose)
      resolve(ok)
    }
    res.once('drain', onDrain)
    res.once('close', onClose)
  })
}

/** Write and wait until the bytes (and the headers) are handed to the kernel. */
function writeFlushed(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false)
  if (chunk.length === 0) res.flushHeaders()
  const socket = res.socket
  return new Promise(resolve => {
    const flushed = (err?: Error | null) => resolve(!err && !res.destroyed)
    if (chunk.length > 0) res.write(chunk, flushed)
    else if (socket && !socket.destroyed) socket.write(Buffer.alloc(0), flushed)
    else resolve(false)
  })
}

async function cut(res: ServerResponse, mode: 'reset' | 'close', signal: AbortSignal) {
  const socket = res.socket
  if (!socket) return
  if (mode === 'close') {
    // A clean FIN after the short body: the client sees the connection end before
    // Content-Length is reached.
    socket.end()
    return
  }
  await sleep(RESET_GRACE_MS, signal)
  resetSocket(socket)
}
