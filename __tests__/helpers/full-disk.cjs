// Preloaded (--require) into the bundled action by end-to-end tests that cannot mount a small tmpfs:
// files opened below $KIE_TEST_DISK_DIR may take $KIE_TEST_DISK_BYTES in all, then writes fail as on
// a full disk (a short write, then ENOSPC). It patches the calls the destination writes through:
// fs.open + fs.writeSync (small files) and fs.promises.open + FileHandle#writev (streamed ones).
// CommonJS and --require, as scripts/peak-rss.cjs: a preload runs before the action's modules load.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, on purpose
const fs = require('node:fs')
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, on purpose
const path = require('node:path')

const dir = process.env.KIE_TEST_DISK_DIR
let left = Number(process.env.KIE_TEST_DISK_BYTES)
/** Descriptors of files opened below `dir`. */
const fds = new Set()

const below = file =>
  typeof file === 'string' && !path.relative(dir, path.resolve(file)).startsWith('..')

function full() {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write'
  })
}

const open = fs.open
fs.open = function (file, ...args) {
  const done = args.pop()
  open.call(this, file, ...args, (error, fd) => {
    if (!error && below(file)) fds.add(fd)
    done(error, fd)
  })
}

const closeSync = fs.closeSync
fs.closeSync = function (fd) {
  fds.delete(fd)
  return closeSync.call(this, fd)
}

const writeSync = fs.writeSync
fs.writeSync = function (fd, buffer, offset = 0, length, position) {
  if (!fds.has(fd) || typeof buffer === 'string') return writeSync.apply(this, arguments)
  const n = Math.min(length ?? buffer.length - offset, left)
  if (n === 0) throw full()
  const wrote = writeSync.call(this, fd, buffer, offset, n, position)
  left -= wrote
  return wrote
}

const openHandle = fs.promises.open
fs.promises.open = async function (file, ...args) {
  const handle = await openHandle.call(this, file, ...args)
  if (!below(file)) return handle
  const writev = handle.writev.bind(handle)
  handle.writev = async (buffers, position) => {
    if (left === 0) throw full()
    const cut = []
    let room = left
    for (const buffer of buffers) {
      if (room === 0) break
      cut.push(buffer.subarray(0, room))
      room -= cut[cut.length - 1].length
    }
    const result = await writev(cut, position)
    left -= result.bytesWritten
    return result
  }
  return handle
}
