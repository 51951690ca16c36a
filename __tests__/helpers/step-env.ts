// The one way tests change the step's environment (INPUT_*, GITHUB_*, RUNNER_*, proxies) and put it back.
import { afterEach, beforeEach } from '@jest/globals'

export type EnvVars = Record<string, string | undefined>

/** Sets `vars` (undefined removes one) and returns what puts the environment back as it was. */
export function setStepEnv(vars: EnvVars): () => void {
  const saved = { ...process.env }
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
}

/** Runs `work` with `vars` set, then puts the environment back, whatever `work` did to it. */
export async function withStepEnv<T>(vars: EnvVars, work: () => T | Promise<T>): Promise<T> {
  const restore = setStepEnv(vars)
  try {
    return await work()
  } finally {
    restore()
  }
}

/**
 * For a describe block: before each test the environment is saved (and `vars` set), after it put
 * back, so a test may set more with the returned function without cleaning up.
 */
export function useStepEnv(vars: EnvVars = {}): (more: EnvVars) => void {
  let restore: (() => void) | undefined
  beforeEach(() => {
    restore = setStepEnv(vars)
  })
  afterEach(() => {
    restore?.()
    restore = undefined
  })
  return more => {
    for (const [name, value] of Object.entries(more)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}
