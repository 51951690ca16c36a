// Every test file starts with the network closed but for loopback: tests never reach the internet.
import { afterAll } from '@jest/globals'
import nock from 'nock'

nock.disableNetConnect()
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/)

// Test files share worker processes. nock 15 patches node:http and net.Socket, which are one per
// process, on import (through @mswjs/interceptors), while each file loads its own nock; a patch
// stacked on a live one makes interceptors silently stop matching (nock/nock#2802). So each file
// takes its nock off when it ends, and the next file's nock patches the originals.
afterAll(() => {
  nock.restore()
})
