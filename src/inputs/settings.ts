// Reads the single-value inputs (choices, numbers, booleans, paths, shard), each checked with its name.
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../errors.js'
import type { Shard } from '../results.js'
import { hasControlChars, oneLine } from '../util/safe-text.js'

/** A bad value as quoted in an error: one line, at most 40 characters. */
export function shown(value: string): string {
  return `"${oneLine(value, 40)}"`
}

/**
 * Refuses an input meant to hold one line when it holds a control character or a line break: a
 * `path` with a line break would start a workflow command in the log and break the `dir` output.
 */
export function refuseControlChars(name: string): void {
  const value = core.getInput(name)
  if (hasControlChars(value)) {
    throw new InputError(
      name,
      `is ${shown(value)}, with a control character or line break in it`,
      'one line of text'
    )
  }
}

/** True for a host name that is this machine: 127.0.0.0/8, ::1 or localhost (as URL gives them). */
export function isLoopback(hostname: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === 'localhost'
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const value = core.getInput(name)
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(name, `is ${shown(value)}`, `one of ${allowed.join(', ')}`)
  }
  return value as T
}

export function integer(name: string, min: number, max: number): number {
  const value = core.getInput(name)
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InputError(name, `is ${shown(value)}`, `a whole number from ${min} to ${max}`)
  }
  return n
}

/** Seconds as a plain decimal number within bounds; `allowZero` for waits that may be skipped. */
export function seconds(name: string, max: number, allowZero = false): number {
  const value = core.getInput(name)
  const n = Number(value)
  if (!/^\d+(\.\d+)?$/.test(value) || (n === 0 && !allowZero) || n > max) {
    throw new InputError(
      name,
      `is ${shown(value)}`,
      allowZero
        ? `a number of seconds from 0 to ${max}`
        : `a number of seconds above 0 and at most ${max}`
    )
  }
  return n
}

/** `true`/`false` as YAML 1.2 spells them (core.getBooleanInput), with an error naming the input. */
export function boolean(name: string): boolean {
  try {
    return core.getBooleanInput(name)
  } catch {
    // getBooleanInput's own TypeError does not read as a sentence; say it the way the others do.
    throw new InputError(name, `is ${shown(core.getInput(name))}`, 'true or false')
  }
}

/**
 * The destination folder: a leading `~` is the home folder (as actions/download-artifact does it),
 * a relative path is below the workspace.
 */
export function destination(name: string, workspace: string): string {
  // Checked here too, not only with the other inputs: the `dir` output of a failed step reads it.
  refuseControlChars(name)
  const value = core.getInput(name)
  if (!value) throw new InputError(name, 'is empty', 'a folder, e.g. kie-downloads')
  const home = process.platform === 'win32' ? /^~(?=$|[\\/])/ : /^~(?=$|\/)/
  return path.resolve(
    workspace,
    value.replace(home, () => os.homedir())
  )
}

/** `I/N` with 1 <= I <= N, or null when empty. */
export function parseShard(name: string): Shard | null {
  const value = core.getInput(name)
  if (!value) return null
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value)
  const index = Number(m?.[1])
  const total = Number(m?.[2])
  if (!m || total < 1 || total > 1000 || index < 1 || index > total) {
    throw new InputError(
      name,
      `is ${shown(value)}`,
      'I/N with 1 <= I <= N <= 1000, e.g. 2/4, or empty'
    )
  }
  return { index, total }
}

/**
 * Whether an entry belongs to a shard, by a hash of its key (the URL, or the task ID of a task):
 * the split is stable across runs and runners, every entry lands in exactly one shard, and an
 * entry listed twice stays in one shard.
 */
export function inShard(key: string, shard: Shard): boolean {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % shard.total === shard.index - 1
}
