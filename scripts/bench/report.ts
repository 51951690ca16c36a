// The benchmark's figures: medians, and each figure marked against its target from issue 13 (met / missed).

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`
export const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

export interface Verdict {
  scenario: string
  figure: string
  value: string
  target: string
  met: boolean
}

export const verdicts: Verdict[] = []

/** Records and prints one figure with its target; `met` is whether the target holds. */
export function mark(
  scenario: string,
  figure: string,
  value: string,
  target: string,
  met: boolean
): void {
  verdicts.push({ scenario, figure, value, target, met })
  console.log(`  ${met ? 'met   ' : 'MISSED'}  ${figure}: ${value}  (target ${target})`)
}

/** A figure printed for comparison, with no target. */
export function note(figure: string, value: string): void {
  console.log(`          ${figure}: ${value}`)
}

export function summary(): number {
  const missed = verdicts.filter(v => !v.met)
  console.log('')
  console.log(`| scenario | figure | value | target | |`)
  console.log(`| --- | --- | --- | --- | --- |`)
  for (const v of verdicts) {
    console.log(
      `| ${v.scenario} | ${v.figure} | ${v.value} | ${v.target} | ${v.met ? 'met' : 'missed'} |`
    )
  }
  console.log('')
  console.log(`${verdicts.length - missed.length} of ${verdicts.length} targets met.`)
  return missed.length
}

/**
 * Runs `contenders` in alternating order, round after round (A B, B A, ...), so that neither always
 * inherits the other's warm state; returns each one's results in round order.
 */
export async function alternate<K extends string, R>(
  rounds: number,
  contenders: Record<K, () => Promise<R>>,
  onRound: (round: number, results: Partial<Record<K, R>>) => void
): Promise<Record<K, R[]>> {
  const names = Object.keys(contenders) as K[]
  const results = Object.fromEntries(names.map(n => [n, [] as R[]])) as unknown as Record<K, R[]>
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names
    const these: Partial<Record<K, R>> = {}
    for (const name of order) {
      const result = await contenders[name]()
      results[name].push(result)
      these[name] = result
    }
    onRound(round + 1, these)
  }
  return results
}
