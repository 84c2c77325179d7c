import { detectMedia } from '../media/mime.js'
import { ownFileKey } from './file-links.js'
import { readStored } from './read-all.js'
import type { Storage } from './storage.js'

/**
 * Reads a link to one of this server's stored files from storage: its bytes and their type,
 * or null for any other URL (which the caller then fetches through the SSRF guard).
 */
export function createOwnFileReader(opts: { storage: Storage; publicUrl: string; secret: string; nowSec: () => number }) {
  const keyOf = ownFileKey(opts)
  return {
    keyOf,
    async read(url: string): Promise<{ bytes: Buffer; mime: string } | null> {
      const key = keyOf(url)
      const bytes = key ? await readStored(opts.storage, key) : null
      if (!Buffer.isBuffer(bytes)) return null
      return { bytes, mime: (await detectMedia(bytes))?.mime ?? 'application/octet-stream' }
    },
  }
}
