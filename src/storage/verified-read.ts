import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Transform, type Readable } from 'node:stream'
import type { Storage } from './storage.js'

/** What a stored object must be: its size always, its SHA-256 when it was recorded. */
export interface ExpectedFile {
  bytes: number
  /** Hex SHA-256; absent for objects stored before hashes were recorded (size is still checked). */
  sha256?: string | null | undefined
}

export type FileProblem = 'missing' | 'size_mismatch' | 'hash_mismatch'

/**
 * Told of every damaged file; may return the error a stream should fail with instead (an error
 * found before any byte was sent is still answered by the framework's error handler).
 */
export type OnDamage = (err: DamagedFileError) => Error | void

/** A stored object that is gone or is not what was stored. */
export class DamagedFileError extends Error {
  override name = 'DamagedFileError'
  constructor(
    readonly problem: FileProblem,
    readonly actualBytes: number | null,
  ) {
    super(`stored file ${problem.replace('_', ' ')}`)
  }
}

export const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** SHA-256 of a local file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Passes bytes through while hashing them, holding back the last chunk until the whole object
 * has been seen: on a wrong size or digest it errors instead of releasing that chunk, so a
 * client reading a response with a Content-Length sees a broken transfer, never a complete one.
 */
export function verifyingStream(expected: ExpectedFile, onDamage: OnDamage): Transform {
  const hash = createHash('sha256')
  let seen = 0
  let held: Buffer | null = null
  const fail = (problem: FileProblem) => {
    const err = new DamagedFileError(problem, seen)
    return onDamage(err) ?? err
  }
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length
      if (seen > expected.bytes) return done(fail('size_mismatch'))
      hash.update(chunk)
      if (held) this.push(held)
      held = chunk
      done()
    },
    flush(done) {
      if (seen !== expected.bytes) return done(fail('size_mismatch'))
      if (expected.sha256 && hash.digest('hex') !== expected.sha256) return done(fail('hash_mismatch'))
      if (held) this.push(held)
      done()
    },
  })
}

/**
 * Opens a stored object for serving: the size is checked before anything is sent (a stat, or
 * the size the GET reports), and a whole-object read is hash-checked while it streams. A byte
 * range cannot be hashed on its own, so ranges are checked by size only.
 */
export async function openVerified(
  storage: Storage,
  key: string,
  expected: ExpectedFile,
  onDamage: OnDamage,
  range?: { start: number; end: number },
): Promise<{ stream: Readable; size: number }> {
  const file = await storage.open(key, range)
  if (!file) {
    const err = new DamagedFileError('missing', null)
    onDamage(err)
    throw err
  }
  if (file.size !== expected.bytes) {
    file.stream.destroy()
    const err = new DamagedFileError('size_mismatch', file.size)
    onDamage(err)
    throw err
  }
  if (range && (range.start !== 0 || range.end !== file.size - 1)) return file
  const checked = verifyingStream(expected, onDamage)
  file.stream.once('error', (e) => checked.destroy(e))
  file.stream.pipe(checked)
  // Wait for the first bytes to be released (or the end): a file found bad before then (one
  // that fits in a chunk) is refused with a proper error answer instead of a started response.
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      checked.off('readable', onReadable)
      file.stream.destroy()
      reject(err)
    }
    const onReadable = () => {
      checked.off('error', onError)
      resolve()
    }
    checked.once('error', onError)
    checked.once('readable', onReadable)
  })
  return { stream: checked, size: file.size }
}

/** Reads a whole stored object into memory and checks it before returning (for small answers). */
export async function readVerified(storage: Storage, key: string, expected: ExpectedFile, onDamage: OnDamage): Promise<Buffer> {
  const file = await openVerified(storage, key, expected, onDamage)
  const chunks: Buffer[] = []
  for await (const chunk of file.stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Checks that a stored object exists with the expected size (before handing out a link to it). */
export async function statVerified(storage: Storage, key: string, expected: ExpectedFile, onDamage: OnDamage): Promise<void> {
  const size = await storage.stat(key)
  if (size === expected.bytes) return
  const err = new DamagedFileError(size === null ? 'missing' : 'size_mismatch', size)
  onDamage(err)
  throw err
}
