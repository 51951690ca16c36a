// https-proxy-agent for requests behind a proxy, bundled apart by `npm run package` (dist/https-proxy-agent/index.cjs) and loaded by proxy.ts only when a proxy applies.
'use strict'

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, so the bundle leaves `kerberos` (an optional peer, for Negotiate, never used here) a require that runs only if asked for
module.exports = require('https-proxy-agent')
