// The sample files and tasks the CLI serves, shared with the demo script.
import type { RegisterOptions, RegisterTaskOptions } from './types.ts'

/** One image, one 4o-style video with a taskId, and an audio URL without an extension. */
export const SAMPLE_FILES: readonly Readonly<RegisterOptions>[] = [
  {
    url: 'https://tempfile.aiquickdraw.com/v/sample-image.png',
    size: 200 * 1024,
    contentType: 'image/png'
  },
  {
    url: 'https://tempfile.aiquickdraw.com/p/sample-video.mp4',
    size: 2 * 1024 * 1024,
    contentType: 'video/mp4',
    taskId: 'task-sample-video'
  },
  {
    url: 'https://musicfile.kie.ai/s/c2FtcGxlLWF1ZGlv',
    size: 500 * 1024,
    contentType: 'audio/mpeg'
  }
]

/** A Market task (nano-banana, two images) and a 4o Image task, each finished at the second look. */
export const SAMPLE_TASKS: readonly Readonly<RegisterTaskOptions>[] = [
  {
    type: 'market',
    taskId: 'task-sample-banana',
    pendingLooks: 1,
    files: [
      { url: 'https://tempfile.aiquickdraw.com/h/sample-banana-1.png', size: 150 * 1024 },
      { url: 'https://tempfile.aiquickdraw.com/h/sample-banana-2.png', size: 160 * 1024 }
    ]
  },
  {
    type: '4o-image',
    taskId: 'task-sample-4o',
    pendingLooks: 1,
    files: [{ url: 'https://tempfile.aiquickdraw.com/v/sample-4o.png', size: 180 * 1024 }]
  }
]
