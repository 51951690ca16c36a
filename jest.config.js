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
  setupFiles: ['<rootDir>/__tests__/setup/no-network.ts'],
  collectCoverageFrom: ['src/**/*.ts'],
  verbose: false
}
