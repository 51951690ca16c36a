// ESM, as in actions/typescript-action: @actions/core 3 and http-client 4 are ESM-only. No transform:
// jest strips the TypeScript types itself, as Node does for the scripts (the code is erasable
// syntax only, see tsconfig.json), so no compiler loads; `npm run typecheck` checks the types.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {},
  setupFiles: ['<rootDir>/__tests__/setup/quiet-runner-commands.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup/no-network.ts'],
  collectCoverageFrom: ['src/**/*.ts'],
  // One more worker than this machine's 2 cores: the end-to-end files spend about a third of their
  // time waiting on the wire as the bundled action does (rate limits, Retry-After, stalls), with a
  // core idle meanwhile; a third worker fills it (npm test 57.6 s -> 51.7-54.6 s on 2 cores).
  maxWorkers: 3,
  verbose: false
}
