// ESM + ts-jest, as in actions/typescript-action: @actions/core 3 and http-client 4 are ESM-only.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.check.json', diagnostics: { ignoreCodes: ['TS151001'] } }
    ]
  },
  setupFiles: [
    '<rootDir>/__tests__/setup/no-network.ts',
    '<rootDir>/__tests__/setup/quiet-runner-commands.ts'
  ],
  collectCoverageFrom: ['src/**/*.ts'],
  // Every test file gets a fresh worker process: nock 15 patches node:http through @mswjs/interceptors,
  // and a second nock instance loaded into the same process (jest's per-file module registry) stacks
  // its patch on the first, so interceptors silently stop matching (nock/nock#2802).
  workerIdleMemoryLimit: '1MB',
  maxWorkers: 2,
  verbose: false
}
