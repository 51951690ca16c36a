// The sample files the CLI serves, shared with the demo script.
import type { RegisterOptions } from './types.ts'

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
