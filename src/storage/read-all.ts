import type { Storage } from './storage.js'

/** A stored object's bytes, or null when it does not exist (or is larger than `maxBytes`: 'too_large'). */
export async function readStored(storage: Storage, key: string, maxBytes = Infinity): Promise<Buffer | null | 'too_large'> {
  const file = await storage.open(key)
  if (!file) return null
  if (file.size > maxBytes) {
    file.stream.destroy()
    return 'too_large'
  }
  const chunks: Buffer[] = []
  for await (const c of file.stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
