// File slots: a bounded FIFO pool, and a spare slot for a big tail only when nothing else wants one.
import { describe, expect, it } from '@jest/globals'
import { TransferSlots } from '../src/pipeline/transfer-slots.js'

describe('TransferSlots', () => {
  it('never lets more than its size run, and serves waiters in order', async () => {
    const slots = new TransferSlots(2)
    let running = 0
    let peak = 0
    const order: number[] = []
    await Promise.all(
      [0, 1, 2, 3, 4].map(i =>
        slots.run(async () => {
          running++
          peak = Math.max(peak, running)
          order.push(i)
          await new Promise(resolve => setImmediate(resolve))
          running--
        })
      )
    )
    expect(peak).toBe(2)
    expect(order).toEqual([0, 1, 2, 3, 4])
  })

  it('hands out a spare slot only when one is idle, nobody waits and no other work is coming', async () => {
    let busy = false
    const slots = new TransferSlots(2, () => busy)
    const held = await slots.acquire()
    busy = true
    expect(slots.take()).toBeNull()
    busy = false
    const spare = slots.take()
    expect(spare).not.toBeNull()
    expect(slots.take()).toBeNull()
    const waiting = slots.acquire()
    spare?.()
    held()
    await expect(waiting).resolves.toEqual(expect.any(Function))
  })

  it('a waiter whose signal aborts leaves the queue', async () => {
    const slots = new TransferSlots(1)
    const held = await slots.acquire()
    const controller = new AbortController()
    const waiting = slots.acquire(controller.signal)
    controller.abort(new Error('cancelled'))
    await expect(waiting).rejects.toThrow('cancelled')
    held()
    expect(slots.take()).not.toBeNull()
  })

  it('counts slots held by whole downloads apart from spare ones', async () => {
    const slots = new TransferSlots(3)
    let during = -1
    await slots.run(async () => {
      slots.take()
      during = slots.running
    })
    expect(during).toBe(1)
    expect(slots.running).toBe(0)
  })
})
