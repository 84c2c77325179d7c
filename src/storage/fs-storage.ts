import { createReadStream } from 'node:fs'
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Storage } from './storage.js'
import { signFileUrl } from './url-signing.js'

/** Result files under the data directory, served by the API's `/files/…` route. */
export function createFsStorage(opts: { root: string; publicUrl: string; secret: string }): Storage {
  const resolve = (key: string) => {
    const full = path.resolve(opts.root, key)
    // Keys are ours, but a path escaping the root must be impossible even if one is not.
    if (!full.startsWith(path.resolve(opts.root) + path.sep)) throw new Error(`Bad storage key ${key}`)
    return full
  }
  /** The file behind a key and its size; null when there is none (or the key is not ours). */
  const fileAt = async (key: string): Promise<{ full: string; size: number } | null> => {
    let full: string
    try {
      full = resolve(key)
    } catch {
      return null
    }
    const s = await stat(full).catch(() => null)
    return s?.isFile() ? { full, size: s.size } : null
  }
  return {
    async put(key, source) {
      const dest = resolve(key)
      await mkdir(path.dirname(dest), { recursive: true })
      const tmp = `${dest}.${process.pid}.tmp`
      if ('bytes' in source) await writeFile(tmp, source.bytes)
      else await copyFile(source.path, tmp)
      // Rename is atomic: a reader never sees half a file.
      await rename(tmp, dest)
      return 'bytes' in source ? source.bytes.byteLength : (await stat(dest)).size
    },
    async open(key, range) {
      const found = await fileAt(key)
      if (!found) return null
      return { stream: createReadStream(found.full, range ? { start: range.start, end: range.end } : {}), size: found.size }
    },
    async stat(key) {
      return (await fileAt(key))?.size ?? null
    },
    url(key, expiresAtSec) {
      const sig = signFileUrl(opts.secret, key, expiresAtSec)
      return `${opts.publicUrl}/files/${key}?expires=${expiresAtSec}&signature=${sig}`
    },
    async delete(key) {
      await rm(resolve(key), { force: true })
    },
  }
}
