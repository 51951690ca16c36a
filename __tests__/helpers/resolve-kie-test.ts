// Preloaded into a spawned action (node --import): the made-up *.kie.test names resolve to 127.0.0.1, as a DNS entry would.
import dns from 'node:dns'

// The sandbox hands out such names (SandboxOptions.hostNames) so that the action treats its hosts
// as remote, which a proxy is never skipped for as loopback is. Through the proxy the action never
// resolves them (the proxy does); a run that bypasses it (NO_PROXY) must, and this is its lookup.
// net and tls connect through dns.lookup, read at each connect, so replacing it here reaches them.
const lookup = dns.lookup
type Callback = (error: Error | null, address: unknown, family?: number) => void

Object.assign(dns, {
  lookup(hostname: string, options: unknown, callback?: Callback): void {
    if (!/\.kie\.test$/i.test(hostname)) {
      return (lookup as (...args: unknown[]) => void)(hostname, options, callback)
    }
    const done = (typeof options === 'function' ? options : callback) as Callback
    const all = typeof options === 'object' && (options as { all?: boolean } | null)?.all === true
    process.nextTick(() =>
      all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)
    )
  }
})
