// Registered files: the kie.ai URLs the sandbox pretends to have generated, and their objects.
import { createHash } from 'node:crypto'
import mime from 'mime-types'
import { digestsOf, type ContentSpec } from './content.ts'
import { rfc3986 } from './signing.ts'
import type { RegisterOptions, RegisteredFile } from './types.ts'

export interface StoredFile {
  file: RegisteredFile
  spec: ContentSpec
  /** Last-Modified header value: the registration time. */
  lastModified: string
}

export class FileRegistry {
  readonly #byUrl = new Map<string, StoredFile>()
  readonly #byPath = new Map<string, StoredFile>()

  async register(options: RegisterOptions, nowMs: number): Promise<RegisteredFile> {
    const { url, size, taskId } = options
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new TypeError(`register: url is not a URL: ${url}`)
    }
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`register: size must be a whole number of bytes >= 0, got ${size}`)
    }
    // The last path segment survives into the object path, so file names (and the lack of an
    // extension) reach the client as they would from R2.
    const segments = parsed.pathname.split('/')
    const last = segments[segments.length - 1]
    let name = last
    try {
      name = decodeURIComponent(last)
    } catch {
      // keep the raw segment
    }
    const contentType = options.contentType ?? (mime.lookup(name) || 'application/octet-stream')
    const hash = createHash('sha256').update(url).digest('hex').slice(0, 24)
    const objectPath = `v/${hash}/${rfc3986(name || 'file')}`
    const spec: ContentSpec = { seed: options.seed ?? url, size, contentType }
    const { sha256, md5 } = await digestsOf(spec)
    if (options.gone !== undefined && ![403, 404, 410].includes(options.gone)) {
      throw new RangeError(`register: gone must be 403, 404 or 410, got ${String(options.gone)}`)
    }
    const file: RegisteredFile = {
      url,
      ...(taskId === undefined ? {} : { taskId }),
      size,
      contentType,
      sha256,
      etag: `"${md5}"`,
      objectPath,
      ...(options.gone === undefined ? {} : { gone: options.gone })
    }
    const stored = { file, spec, lastModified: new Date(nowMs).toUTCString() }
    const previous = this.#byUrl.get(url)
    if (previous) this.#byPath.delete(previous.file.objectPath)
    this.#byUrl.set(url, stored)
    this.#byPath.set(objectPath, stored)
    return { ...file }
  }

  byUrl(url: string): StoredFile | undefined {
    return this.#byUrl.get(url)
  }

  /** By object path without the leading slash, exactly as percent-encoded in signed URLs. */
  byPath(objectPath: string): StoredFile | undefined {
    return this.#byPath.get(objectPath)
  }
}
