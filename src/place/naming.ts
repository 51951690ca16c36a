// The names of one run: no two entries share a name, and no name is both a file and a folder.
import { MAX_OPEN_BASE_BYTES, withSuffix } from '../util/names.js'

/**
 * Hands out names so that no two entries of a run share one, compared case-insensitively (as on
 * macOS and Windows runners), and no name is both a file and a folder. Callers ask in input
 * order, which makes names deterministic.
 *
 * A name whose extension is not known yet (claimOpen: a sharded run, where only the shard that
 * downloads a URL sees its Content-Type) is kept from every other name it could become: `base`
 * itself, and `base` with any extension. That is decided from the list alone, so every shard
 * decides it alike.
 */
export class NameRegistry {
  private readonly files = new Set<string>()
  private readonly folders = new Set<string>()
  /** Files without their extension-like tail: an open base equal to one could become that file. */
  private readonly stems = new Set<string>()
  /** Folders without an extension-like tail: an open base equal to one could become that folder. */
  private readonly folderStems = new Set<string>()
  /** Open bases (names still waiting for their extension), with their suffix. */
  private readonly open = new Set<string>()
  /** Open bases without an extension-like tail: with no extension, a base could meet another's. */
  private readonly openStems = new Set<string>()

  /** Marks a name as used (a file kept from an earlier run). */
  reserve(relPath: string): void {
    this.add(relPath)
  }

  /** The first free name among `relPath`, `relPath-2`, `relPath-3`, ...; now taken. */
  claim(relPath: string, ext: string): string {
    const wanted = this.freeFolders(relPath)
    let candidate = wanted
    for (let n = 2; this.taken(candidate); n++) candidate = withSuffix(wanted, n, ext)
    this.add(candidate)
    return candidate
  }

  /**
   * Claims a name whose extension comes later: the first of `base`, `base-2`, ... that neither is
   * nor could become (with any extension, or none) a name taken already. Returns it; the file's
   * name is it plus the extension its Content-Type gives. A long base is cut first, so that name
   * is never cut again.
   */
  claimOpen(base: string): string {
    const slash = base.lastIndexOf('/')
    const last = base
      .slice(slash + 1)
      .slice(0, MAX_OPEN_BASE_BYTES)
      .replace(/\.+$/, '')
    const wanted = this.freeFolders(base.slice(0, slash + 1) + last)
    let candidate = wanted
    for (let n = 2; this.openTaken(candidate); n++) candidate = `${wanted}-${n}`
    const key = candidate.toLowerCase()
    this.open.add(key)
    this.openStems.add(stripExt(key))
    this.addFolders(key)
    return candidate
  }

  /** `relPath` with every folder segment that is a file of this run (or could become one) suffixed. */
  private freeFolders(relPath: string): string {
    const segments = relPath.split('/')
    // A folder named like a file of this run gets a suffix of its own: `a/x.png` beside file `a`.
    for (let i = 0; i < segments.length - 1; i++) {
      const folder = segments.slice(0, i + 1).join('/')
      let candidate = folder
      for (let n = 2; this.isFile(candidate.toLowerCase()); n++)
        candidate = withSuffix(folder, n, '')
      segments[i] = candidate.slice(candidate.lastIndexOf('/') + 1)
    }
    return segments.join('/')
  }

  /** A file of this run, or what an open name could become (the base alone, or with an extension). */
  private isFile(key: string): boolean {
    return this.files.has(key) || this.isOpen(key)
  }

  private taken(relPath: string): boolean {
    const key = relPath.toLowerCase()
    return this.files.has(key) || this.folders.has(key) || this.isOpen(key)
  }

  /**
   * Whether an open base could become `key`. Extensions are one `.xyz` tail, so a base plus one
   * equals `key` only with `key`'s own last tail, or with none.
   */
  private isOpen(key: string): boolean {
    return this.open.has(key) || this.open.has(stripExt(key))
  }

  /** Whether `base`, with any extension or none, could be a name taken already. */
  private openTaken(base: string): boolean {
    const key = base.toLowerCase()
    return (
      this.isOpen(key) ||
      this.openStems.has(key) ||
      this.files.has(key) ||
      this.stems.has(key) ||
      this.folders.has(key) ||
      this.folderStems.has(key)
    )
  }

  private add(relPath: string): void {
    const key = relPath.toLowerCase()
    this.files.add(key)
    this.stems.add(stripExt(key))
    this.addFolders(key)
  }

  private addFolders(key: string): void {
    for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
      const folder = key.slice(0, i)
      this.folders.add(folder)
      this.folderStems.add(stripExt(folder))
    }
  }
}

/**
 * `a/b.png` without its extension-like tail (`a/b`): a dot and letters or digits, the shape of
 * every extension a Content-Type gives. A name without one stays as it is.
 */
function stripExt(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1)
  const ext = /\.[a-z0-9]{1,16}$/i.exec(base)?.[0] ?? ''
  return ext && ext.length < base.length ? key.slice(0, -ext.length) : key
}
