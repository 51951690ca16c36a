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
  maxWorkers: 2,
  verbose: false
}
