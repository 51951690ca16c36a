// Transfer slots: at most `size` downloads at once, and a spare slot for a big tail when nobody waits.

export type Release = () => void

/**
 * A counting semaphore with a FIFO queue. `take()` hands out a slot only when it is free and
 * nobody waits and `busyElsewhere()` says no other work is on its way to a slot: that is what lets
 * a big last file split its rest over connections that would otherwise sit idle.
 */
export class TransferSlots {
  private free: number
  /** Slots held through run() (whole downloads), as opposed to spare ones handed out by take(). */
  running = 0
  private readonly waiting: Array<() => void> = []
  private readonly busyElsewhere: () => boolean

  constructor(size: number, busyElsewhere: () => boolean = () => false) {
    this.free = size
    this.busyElsewhere = busyElsewhere
  }

  /** Waits for a slot; rejects with the signal's reason when it aborts first. */
  async acquire(signal?: AbortSignal): Promise<Release> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--
      return this.releaser()
    }
    return new Promise<Release>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve(this.releaser())
      }
      const onAbort = (): void => {
        const at = this.waiting.indexOf(grant)
        if (at >= 0) this.waiting.splice(at, 1)
        reject(signal?.reason)
      }
      this.waiting.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Runs `task` holding a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal)
    this.running++
    try {
      return await task()
    } finally {
      this.running--
      release()
    }
  }

  /** A slot at once if one is idle and no other work is coming for it, else null. */
  take(): Release | null {
    if (this.free === 0 || this.waiting.length > 0 || this.busyElsewhere()) return null
    this.free--
    return this.releaser()
  }

  private releaser(): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next()
      else this.free++
    }
  }
}
