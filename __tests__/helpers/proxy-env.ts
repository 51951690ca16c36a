// The proxy variables http-client reads: none at the start of each test, and put back as they were after it.
import { useStepEnv } from './step-env.js'

export const PROXY_VARS = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'no_proxy',
  'NO_PROXY'
]

/**
 * For a test file: each test starts with no proxy variable set (a machine's own proxy settings
 * never leak into a test) and the environment is put back after it (useStepEnv). Returns a setter
 * that clears the proxy variables and sets `env`.
 */
export function useProxyEnv(): (env: Record<string, string>) => void {
  const none = Object.fromEntries(PROXY_VARS.map(name => [name, undefined]))
  const setEnv = useStepEnv(none)
  return env => setEnv({ ...none, ...env })
}
