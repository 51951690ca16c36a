// One loopback sandbox per end-to-end test file, and the bundled action run against it.
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { Sandbox, type SandboxOptions } from '../../sandbox/index.ts'
import { type DistRun, runDist } from '../../scripts/runner.ts'

export type RunDist = (
  inputs: Record<string, string>,
  options?: Parameters<typeof runDist>[1]
) => Promise<DistRun>

/**
 * Starts a sandbox (with `options`) before the file's tests (`onStart` gets it, to keep and to
 * register files on), clears its faults and request log after each test, and closes it after the
 * last. Returns a runner of dist/index.js with the sandbox's base URL and key filled in.
 */
export function useSandbox(
  onStart: (sandbox: Sandbox) => Promise<void> | void,
  options: SandboxOptions = {}
): RunDist {
  let sandbox: Sandbox | undefined
  beforeAll(async () => {
    sandbox = await Sandbox.start(options)
    await onStart(sandbox)
  })
  afterEach(() => {
    sandbox?.clearFaults()
    sandbox?.clearRequests()
  })
  afterAll(async () => {
    await sandbox?.close()
  })
  return (inputs, options = {}) => {
    if (!sandbox) throw new Error('the sandbox has not started')
    return runDist({ 'api-key': sandbox.apiKey, 'base-url': sandbox.baseUrl, ...inputs }, options)
  }
}
