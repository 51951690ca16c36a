// Names shared with action.yml: inputs, outputs and the files this action keeps in the destination.

/** Input names, exactly as action.yml declares them (defaults live only there). */
export const Inputs = {
  ApiKey: 'api-key',
  Urls: 'urls',
  TaskIds: 'task-ids',
  UrlsFile: 'urls-file',
  TaskType: 'task-type',
  Wait: 'wait',
  Results: 'results',
  Endpoint: 'endpoint',
  BaseUrl: 'base-url',
  Path: 'path',
  Filename: 'filename',
  IfExists: 'if-exists',
  Concurrency: 'concurrency',
  Retries: 'retries',
  Timeout: 'timeout',
  Shard: 'shard',
  IfNoFilesFound: 'if-no-files-found',
  FailOnError: 'fail-on-error',
  Summary: 'summary'
} as const

/** Output names, exactly as action.yml declares them. */
export const Outputs = {
  Paths: 'paths',
  Files: 'files',
  Count: 'count',
  Downloaded: 'downloaded',
  Failed: 'failed',
  Dir: 'dir',
  Tasks: 'tasks',
  Manifest: 'manifest'
} as const

/** Every `task-type` value (the kie.ai model families of task mode), in the order the README's table lists them. */
export const FAMILY_NAMES = [
  'market',
  '4o-image',
  'flux-kontext',
  'veo',
  'runway',
  'aleph',
  'luma',
  'midjourney',
  'suno',
  'suno-wav',
  'suno-stems',
  'suno-mp4',
  'suno-cover'
] as const

export type FamilyName = (typeof FAMILY_NAMES)[number]

/** The API paths of the two documented download-url endpoints. */
export const EndpointPaths = {
  common: '/api/v1/common/download-url',
  'gpt4o-image': '/api/v1/gpt4o-image/download-url'
} as const

export type EndpointName = keyof typeof EndpointPaths

/** Hidden record of what earlier runs wrote, so `if-exists: skip` knows names whose extension came from Content-Type. */
export const RECORD_FILE = '.kie-download.json'

/** Prefix of in-progress downloads; a leading dot keeps them apart from any sanitised name. */
export const TEMP_PREFIX = '.kie-download-'

export const USER_AGENT =
  'kie-download-action/1.1 (+https://github.com/marketplace/actions/kie-ai-download)'
