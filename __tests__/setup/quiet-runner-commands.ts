// Keeps runner commands (`::add-mask::`, `::debug::`, ...) that code under test prints out of the test output.
// A test that reads them captures stdout itself (helpers/capture.ts): its capture stands in for this filter
// while it lasts, so it sees every line, and puts the filter back on restore.

/** A workflow command as the runner reads it: `::name::` or `::name key=value,...::` at a line's start. */
const RUNNER_COMMAND = /^::[A-Za-z][\w-]*( [^\n]*?)?::/
const FILTERED = Symbol.for('kie-download.quiet-runner-commands')

type Write = ((chunk: string | Uint8Array, ...rest: unknown[]) => boolean) & { [FILTERED]?: true }

const current = process.stdout.write as unknown as Write
// Several test files may share a process (--runInBand): filter once.
if (!current[FILTERED]) {
  const realWrite = current.bind(process.stdout)
  const filtered: Write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (!text.includes('::')) return realWrite(chunk, ...rest)
    const kept = text
      .split(/(?<=\n)/)
      .filter(line => !RUNNER_COMMAND.test(line))
      .join('')
    return realWrite(kept, ...rest)
  }
  filtered[FILTERED] = true
  process.stdout.write = filtered as unknown as typeof process.stdout.write
}
