// Registered files: the kie.ai URLs the sandbox pretends to have generated, and their objects.
import { createHash } from 'node:crypto'
import { buffer } from 'node:stream/consumers'
import mime from 'mime-types'
import { contentStream, digestsOf, type ContentSpec } from './content.ts'
import { rfc3986 } from './signing.ts'
import type { EtagStyle, RegisterOptions, RegisteredFile } from './types.ts'

/** One version of an object's content. */
export interface Version {
  spec: ContentSpec
  /** Its strong ETag, quoted. */
  etag: string
  /** The content itself, when the registry keeps it (SandboxOptions.contentCacheBytes). */
  bytes?: Buffer
}

export interface StoredFile {
  file: RegisteredFile
  /** The content of the first version (what contentOf() streams). */
  spec: ContentSpec
  /** Last-Modified header value: the registration time. */
  lastModified: string
  versions: Version[]
  etagStyle: EtagStyle
  /** GETs of the object so far: the next one answers versions[gets % versions.length]. */
  gets: number
}

export class FileRegistry {
  readonly #byUrl = new Map<string, StoredFile>()
  readonly #byPath = new Map<string, StoredFile>()
  /** What is left of SandboxOptions.contentCacheBytes. */
  #cacheLeft: number

  constructor(contentCacheBytes = 0) {
    this.#cacheLeft = contentCacheBytes
  }

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
    const count = options.versions ?? 1
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`register: versions must be a whole number >= 1, got ${count}`)
    }
    const seed = options.seed ?? url
    const specs: ContentSpec[] = Array.from({ length: count }, (_, i) => ({
      seed: i === 0 ? seed : `${seed}#${i}`,
      size,
      contentType
    }))
    const digests = await Promise.all(specs.map(digestsOf))
    const versions: Version[] = specs.map((spec, i) => ({ spec, etag: `"${digests[i].md5}"` }))
    for (const version of versions) {
      if (size > this.#cacheLeft) break
      this.#cacheLeft -= size
      version.bytes = await buffer(contentStream(version.spec))
    }
    if (options.gone !== undefined && ![403, 404, 410].includes(options.gone)) {
      throw new RangeError(`register: gone must be 403, 404 or 410, got ${String(options.gone)}`)
    }
    const file: RegisteredFile = {
      url,
      ...(taskId === undefined ? {} : { taskId }),
      size,
      contentType,
      sha256: digests[0].sha256,
      etag: versions[0].etag,
      objectPath,
      versions: versions.map((v, i) => ({ sha256: digests[i].sha256, etag: v.etag })),
      ...(options.gone === undefined ? {} : { gone: options.gone })
    }
    const stored: StoredFile = {
      file,
      spec: specs[0],
      lastModified: new Date(nowMs).toUTCString(),
      versions,
      etagStyle: options.etag ?? 'strong',
      gets: 0
    }
    const previous = this.#byUrl.get(url)
    if (previous) {
      this.#byPath.delete(previous.file.objectPath)
      for (const version of previous.versions) this.#cacheLeft += version.bytes?.length ?? 0
    }
    this.#byUrl.set(url, stored)
    this.#byPath.set(objectPath, stored)
    return { ...file, versions: file.versions.map(v => ({ ...v })) }
  }

  byUrl(url: string): StoredFile | undefined {
    return this.#byUrl.get(url)
  }

  /** By object path without the leading slash, exactly as percent-encoded in signed URLs. */
  byPath(objectPath: string): StoredFile | undefined {
    return this.#byPath.get(objectPath)
  }
}
