// The step outputs, within GitHub's limits, and the manifest file that always holds the whole `files` array.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Outputs } from '../constants.js'
import { errorMessage } from '../errors.js'
import type { FileResult, RunResult, TaskResult } from '../results.js'
import { bareUrl, errorText, formatBytes, totals } from './format.js'

/** GitHub refuses an output value over 1 MB; one that would pass this is left unset. */
export const MAX_OUTPUT_BYTES = 1_000_000

/** One item of `files` and of the manifest. URLs go out without their query string. */
export function fileItem(r: FileResult): Record<string, unknown> {
  return {
    url: r.url === null ? null : bareUrl(r.url),
    taskId: r.taskId,
    path: r.path,
    name: r.name,
    bytes: r.bytes,
    sha256: r.sha256,
    contentType: r.contentType,
    status: r.status,
    error: errorText(r)
  }
}

function taskItem(t: TaskResult): Record<string, unknown> {
  return { taskId: t.taskId, type: t.type, state: t.state, files: t.files, error: errorText(t) }
}

/** The folder for the manifest: the runner's temp folder (emptied after the job), else the system's. */
function tempDir(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}

/** Writes the manifest and returns its path, or null (with a warning) when it cannot be written. */
async function writeManifest(json: string): Promise<string | null> {
  // A unique name: the action may run several times in one job.
  const file = path.join(tempDir(), `kie-download-manifest-${randomUUID().slice(0, 8)}.json`)
  try {
    await writeFile(file, json)
    return file
  } catch (error) {
    core.warning(`Could not write the manifest file ${file}: ${errorMessage(error)}`)
    return null
  }
}

/** Sets an output unless it would pass GitHub's limit; then a warning points at the manifest. */
function setBounded(name: string, value: string): void {
  const bytes = Buffer.byteLength(value)
  if (bytes <= MAX_OUTPUT_BYTES) {
    core.setOutput(name, value)
    return
  }
  core.warning(
    `The \`${name}\` output would be ${formatBytes(bytes)}, over GitHub's limit of 1 MB for one output, so it is left unset. ` +
      `The file named by the \`${Outputs.Manifest}\` output holds every file's details.`
  )
}

/** Sets every output; values go through core.setOutput only, so no value can forge another output. */
export async function setOutputs(run: RunResult): Promise<void> {
  const items = run.files.map(fileItem)
  const filesJson = JSON.stringify(items)
  const manifest = await writeManifest(filesJson)
  const paths = [...new Set(run.files.flatMap(r => (r.path ? [r.path] : [])))]
  core.setOutput(Outputs.Count, paths.length)
  // Downloaded by this run, each file once (a URL listed twice is fetched once).
  core.setOutput(Outputs.Downloaded, totals(run).downloaded)
  core.setOutput(Outputs.Failed, run.files.filter(r => r.status === 'failed').length)
  core.setOutput(Outputs.Dir, run.dir)
  core.setOutput(Outputs.Manifest, manifest ?? '')
  setBounded(Outputs.Paths, paths.join('\n'))
  setBounded(Outputs.Files, filesJson)
  setBounded(Outputs.Tasks, JSON.stringify(run.tasks.map(taskItem)))
}
