// Kept for older imports: the runner emulation lives in scripts/runner.ts.
export * from '../../scripts/runner.ts'
