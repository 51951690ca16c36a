// The sandbox's public surface: a loopback stand-in for kie.ai's download-url API and file host.
export { DEFAULT_API_KEY, Sandbox } from './server.ts'
export { SAMPLE_FILES, SAMPLE_TASKS } from './samples.ts'
export { COMMON_PATH, GPT4O_PATH, INVALID_URL_MSG, RECORD_NULL_MSG } from './api.ts'
export { TASK_INPUT_URL, TASK_PATHS } from './tasks.ts'
export { TunnelProxy, type TunnelProxyOptions } from './proxy.ts'
export type {
  EtagStyle,
  Fault,
  FaultRule,
  FaultTarget,
  LoggedRequest,
  RegisteredFile,
  RegisteredTask,
  RegisterOptions,
  RegisterTaskOptions,
  SandboxOptions,
  TaskFamily,
  TaskFile
} from './types.ts'
