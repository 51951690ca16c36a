// The proxy variables http-client reads, set per test and put back as they were after each.
import { afterEach } from '@jest/globals'

export const PROXY_VARS = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'no_proxy',
  'NO_PROXY'
]

/** Restores the proxy variables after each test of the file; returns a setter that clears the others. */
export function useProxyEnv(): (env: Record<string, string>) => void {
  const saved = Object.fromEntries(PROXY_VARS.map(name => [name, process.env[name]]))
  afterEach(() => {
    for (const name of PROXY_VARS) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })
  return env => {
    for (const name of PROXY_VARS) delete process.env[name]
    Object.assign(process.env, env)
  }
}
