// The real undici behind the shim. `npm run package` bundles this file on its own into dist/undici/,
// and keeps it out of dist/index.js, so that the action's start-up does not even parse it.
'use strict'
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, as undici is
module.exports = require('undici-real')
