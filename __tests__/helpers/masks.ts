// Reads what a step registered with the runner's masker, and applies the masking the runner would.

/** Values of `::add-mask::` commands in printed output, unescaped as the runner does. */
export function maskedValues(printed: string): string[] {
  return [...printed.matchAll(/^::add-mask::(.*)$/gm)].map(m =>
    m[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  )
}

/** The log as people see it: every registered secret replaced by ***, longest first. */
export function applyMasks(printed: string): string {
  const secrets = maskedValues(printed).sort((a, b) => b.length - a.length)
  let log = printed
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of secrets) if (secret) log = log.split(secret).join('***')
  return log
}
