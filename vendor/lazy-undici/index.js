// Stands in for undici: the real module (~0.9 MiB of code) is loaded on first use, not at start-up.
'use strict'

// @actions/http-client imports { ProxyAgent } from 'undici' at load, and @actions/core loads
// http-client, yet ProxyAgent is constructed only when a proxy is configured (getAgentDispatcher).
// Each name below reads the real module when first read; the action itself never does. The real
// module sits behind ./undici/index.cjs, which `npm run package` bundles into a file of its own
// (dist/undici/index.cjs) and leaves out of dist/index.js (`ncc -e`): parsing it at every start
// cost 12-15 ms, evaluating it another 12-17 ms.
let real
function load() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, loaded on demand
  if (real === undefined) real = require('./undici/index.cjs')
  return real
}

// Plain assignments first, so that Node's CommonJS export scanner lists the names for
// `import { ProxyAgent } from 'undici'`; the getters then replace them.
exports.ProxyAgent = undefined

for (const name of Object.keys(exports)) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    configurable: true,
    get: () => load()[name]
  })
}
