// `npm run bench`: the bundled action (dist/index.js) against the loopback sandbox, each scenario against the curl script and a true lower bound.
//   npm run bench                                  every scenario, 3 alternating rounds
//   npm run bench -- --scenario rate|mix|many|start|big|proxy [--scenario ...]
//   npm run bench -- --rounds 1 --rate-files 40 --many-files 500 --big-mib 64 --proxy-files 50   a quick pass
//   npm run bench -- --check                       exit 1 when a target of issue 13 is missed
//   npm run bench -- --no-script                   skip the curl script (slow at 10,000 files)
//   npm run bench -- --dist /tmp/build/index.js    race another bundle (npx ncc build src/index.ts -o /tmp/build)
import os from 'node:os'
import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DIST } from './runner.ts'
import { useDist } from './bench/contenders.ts'
import { proxyScenario } from './bench/proxy.ts'
import { summary } from './bench/report.ts'
import {
  type Options,
  bigScenario,
  manyScenario,
  mixScenario,
  rateScenario,
  startScenario
} from './bench/scenarios.ts'

const SCENARIOS = {
  rate: rateScenario,
  mix: mixScenario,
  many: manyScenario,
  start: startScenario,
  big: bigScenario,
  proxy: proxyScenario
}
type Name = keyof typeof SCENARIOS

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '3' },
    check: { type: 'boolean', default: false },
    'no-script': { type: 'boolean', default: false },
    dist: { type: 'string', default: DIST },
    'rate-files': { type: 'string', default: '200' },
    'many-files': { type: 'string', default: '10000' },
    'big-mib': { type: 'string', default: '1024' },
    'proxy-files': { type: 'string', default: '200' }
  }
})

const chosen = (values.scenario ?? Object.keys(SCENARIOS)) as Name[]
for (const name of chosen) {
  if (!(name in SCENARIOS)) {
    console.error(
      `Unknown scenario '${name}': expected one of ${Object.keys(SCENARIOS).join(', ')}.`
    )
    process.exit(2)
  }
}
useDist(values.dist)
const options: Options = {
  rounds: Math.max(1, Number(values.rounds)),
  script: !values['no-script'],
  rateFiles: Number(values['rate-files']),
  manyFiles: Number(values['many-files']),
  bigMib: Number(values['big-mib']),
  proxyFiles: Number(values['proxy-files'])
}

console.log(
  `kie-download benchmark: ${chosen.join(', ')}; ${options.rounds} alternating round(s), medians`
)
console.log(
  `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${values.dist} ${(statSync(values.dist).size / 1024).toFixed(0)} KiB`
)
for (const name of chosen) await SCENARIOS[name](options)
const missed = summary()
if (values.check && missed > 0) process.exit(1)
