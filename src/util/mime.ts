// A small MIME table for what kie.ai serves: file extension to Content-Type and back, without mime-db's start-up cost.

/*
 * mime-types evaluates mime-db's whole table (about 2,500 types) at load, 10-15 ms of the action's
 * start-up, to answer two questions about a few dozen media types. This table holds what kie.ai's
 * models produce (images, video, audio) and the data and archive files a workflow might fetch.
 * Every extension maps to the type mime-types gives it (__tests__/mime.test.ts checks that), so a
 * URL's extension counts as known exactly when it did before, for these. An extension outside the
 * table is left to the file's Content-Type, and a type outside it gives no extension: the name
 * then keeps what its URL had.
 */

/** Extension -> type. For each type, its first extension here is the one it gets back. */
const BY_EXTENSION: ReadonlyArray<readonly [string, string]> = [
  // Images
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['webp', 'image/webp'],
  ['gif', 'image/gif'],
  ['avif', 'image/avif'],
  ['heic', 'image/heic'],
  ['heif', 'image/heif'],
  ['jxl', 'image/jxl'],
  ['bmp', 'image/bmp'],
  ['tif', 'image/tiff'],
  ['tiff', 'image/tiff'],
  ['svg', 'image/svg+xml'],
  ['ico', 'image/vnd.microsoft.icon'],
  // Video
  ['mp4', 'video/mp4'],
  ['mov', 'video/quicktime'],
  ['webm', 'video/webm'],
  ['m4v', 'video/x-m4v'],
  ['mkv', 'video/x-matroska'],
  ['avi', 'video/x-msvideo'],
  ['mpeg', 'video/mpeg'],
  ['mpg', 'video/mpeg'],
  ['ogv', 'video/ogg'],
  ['3gp', 'video/3gpp'],
  ['wmv', 'video/x-ms-wmv'],
  ['flv', 'video/x-flv'],
  // Audio
  ['mp3', 'audio/mpeg'],
  ['wav', 'audio/wav'],
  ['ogg', 'audio/ogg'],
  ['oga', 'audio/ogg'],
  ['opus', 'audio/ogg'],
  ['m4a', 'audio/mp4'],
  ['aac', 'audio/aac'],
  ['flac', 'audio/x-flac'],
  ['weba', 'audio/webm'],
  ['aif', 'audio/x-aiff'],
  ['aiff', 'audio/x-aiff'],
  ['mid', 'audio/midi'],
  ['midi', 'audio/midi'],
  ['amr', 'audio/amr'],
  // 3D models
  ['glb', 'model/gltf-binary'],
  ['gltf', 'model/gltf+json'],
  ['obj', 'model/obj'],
  ['stl', 'model/stl'],
  ['usdz', 'model/vnd.usdz+zip'],
  ['fbx', 'application/vnd.autodesk.fbx'],
  // Text, data, documents, archives
  ['txt', 'text/plain'],
  ['json', 'application/json'],
  ['csv', 'text/csv'],
  ['md', 'text/markdown'],
  ['html', 'text/html'],
  ['htm', 'text/html'],
  ['xml', 'application/xml'],
  ['yaml', 'text/yaml'],
  ['yml', 'text/yaml'],
  ['srt', 'application/x-subrip'],
  ['vtt', 'text/vtt'],
  ['pdf', 'application/pdf'],
  ['zip', 'application/zip'],
  ['gz', 'application/gzip'],
  ['tar', 'application/x-tar'],
  ['7z', 'application/x-7z-compressed']
]

/** Types hosts send that the table above does not give, and the extension each means. */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['image/jpg', 'jpg'],
  ['image/x-icon', 'ico'],
  ['audio/mp3', 'mp3'],
  ['audio/x-wav', 'wav'],
  ['audio/wave', 'wav'],
  ['audio/vnd.wave', 'wav'],
  ['audio/opus', 'opus'],
  ['audio/x-m4a', 'm4a'],
  ['audio/m4a', 'm4a'],
  ['audio/x-aac', 'aac'],
  ['audio/flac', 'flac'],
  ['application/x-zip-compressed', 'zip'],
  ['application/x-gzip', 'gz']
]

// Maps, not objects: `constructor` or `__proto__` must be unknown, not a prototype member.
const TYPES = new Map(BY_EXTENSION)
const EXTENSIONS = new Map<string, string>()
for (const [ext, type] of BY_EXTENSION) if (!EXTENSIONS.has(type)) EXTENSIONS.set(type, ext)
for (const [type, ext] of ALIASES) EXTENSIONS.set(type, ext)

/** The type of a path, a name or a bare extension (`a/b.PNG`, `.png`, `png`), or false; as mime-types' lookup. */
export function lookup(pathOrExt: string): string | false {
  const dot = pathOrExt.lastIndexOf('.')
  const slash = Math.max(pathOrExt.lastIndexOf('/'), pathOrExt.lastIndexOf('\\'))
  // As mime-types does: `png` alone is an extension, `dir/png` has none.
  if (dot <= slash && slash >= 0) return false
  return TYPES.get(pathOrExt.slice(dot + 1).toLowerCase()) ?? false
}

/** The extension (without a dot) for a Content-Type, parameters allowed, or false; as mime-types' extension. */
export function extension(contentType: string): string | false {
  const type = contentType.split(';')[0].trim().toLowerCase()
  return EXTENSIONS.get(type) ?? false
}

/** Every extension the table knows (for tests and docs). */
export const knownExtensions = (): string[] => [...TYPES.keys()]

/** Every type `extension()` answers (for tests and docs). */
export const knownTypes = (): string[] => [...EXTENSIONS.keys()]
