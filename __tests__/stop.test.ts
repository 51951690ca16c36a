// The run's one stop: raised once, by an answer that stops all or by a cancel; checked before work starts; read back as stoppedBy.
import { describe, expect, it } from '@jest/globals'
import { CancelledError, TransferError } from '../src/errors.js'
import { RunStop, StoppedError } from '../src/pipeline/stop.js'

function stop(): { stop: RunStop; cancel: AbortController; said: string[] } {
  const cancel = new AbortController()
  const said: string[] = []
  return { stop: new RunStop(cancel.signal, reason => said.push(reason)), cancel, said }
}

const BAD_KEY = new TransferError('kie.ai answered 401', { stopAll: true })

describe('RunStop', () => {
  it('stops once: the first reason is said and stands, and sleepers are woken', () => {
    const { stop: s, said } = stop()
    expect([s.reason, s.now(), s.signal.aborted]).toEqual([null, null, false])
    s.raise('kie.ai answered 402')
    s.raise('ENOSPC: no space left on device')
    expect(said).toEqual(['kie.ai answered 402'])
    expect([s.reason, s.now(), s.signal.aborted]).toEqual([
      'kie.ai answered 402',
      'not-started',
      true
    ])
  })

  it('escalates an answer that stops all before throwing it on, and nothing else', () => {
    const { stop: s, said } = stop()
    expect(() => s.escalate(new TransferError('HTTP 404'))).toThrow('HTTP 404')
    expect(() => s.escalate(new StoppedError())).toThrow(StoppedError)
    expect(said).toEqual([])
    expect(() => s.escalate(BAD_KEY)).toThrow(BAD_KEY)
    expect(said).toEqual(['kie.ai answered 401'])
  })

  it('lets work start until it stops, then throws a StoppedError that stops all and is not retried', () => {
    const { stop: s } = stop()
    expect(() => s.check()).not.toThrow()
    s.raiseFor(BAD_KEY)
    const thrown = (() => {
      try {
        s.check()
      } catch (error) {
        return error
      }
    })()
    expect(thrown).toBeInstanceOf(StoppedError)
    expect(thrown).toMatchObject({ stopAll: true, retryable: false })
  })

  it('tells a failure of its own from one the stop caused', () => {
    const { stop: s } = stop()
    expect(s.outcomeOf(new TransferError('HTTP 404'))).toBeNull()
    // A CancelledError before any stop: the run's own cancel reached the work first.
    expect(s.outcomeOf(new CancelledError())).toBe('cancelled')
    s.raise('kie.ai answered 402')
    expect(s.outcomeOf(new StoppedError())).toBe('not-started')
    // Woken from a sleep by the stop: it never finished, and is not looked at again.
    expect(s.outcomeOf(new CancelledError())).toBe('not-started')
    expect(s.outcomeOf(BAD_KEY)).toBeNull()
  })

  it('calls everything cancelled once the runner cancels, whatever the error', () => {
    const { stop: s, cancel } = stop()
    s.raise('kie.ai answered 402')
    cancel.abort(new CancelledError('SIGTERM'))
    expect(s.now()).toBe('cancelled')
    expect(s.outcomeOf(new StoppedError())).toBe('cancelled')
    expect(s.outcomeOf(new TransferError('HTTP 404'))).toBe('cancelled')
  })

  it('says a cancel as the stop only while armed, and knows its reason either way', () => {
    const armed = stop()
    const disarm = armed.stop.arm()
    armed.cancel.abort(new CancelledError('SIGINT'))
    expect(armed.said).toEqual(['cancelled by SIGINT; files that finished are kept'])
    expect(() => armed.stop.check()).toThrow(StoppedError)
    disarm()

    const after = stop()
    after.stop.arm()()
    after.cancel.abort(new CancelledError('SIGTERM'))
    expect(after.said).toEqual([])
    expect(after.stop.reason).toBe('cancelled by SIGTERM; files that finished are kept')
    expect(after.stop.signal.aborted).toBe(true)
  })

  it('raises at once when armed after the cancel came', () => {
    const { stop: s, cancel, said } = stop()
    cancel.abort(new CancelledError())
    s.arm()
    expect(said).toEqual(['cancelled; files that finished are kept'])
  })
})
