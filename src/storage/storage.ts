import type { Readable } from 'node:stream'

/** Where result files live. Keys look like `results/<jobId>/0.mp4`. */
export interface Storage {
  /** Stores a local file or bytes under `key`; returns the stored size in bytes. */
  put(key: string, source: { path: string } | { bytes: Uint8Array }, mime: string): Promise<number>
  /** A readable stream of the object, or null when it does not exist. */
  open(key: string, range?: { start: number; end: number }): Promise<{ stream: Readable; size: number } | null>
  /** The stored size in bytes, or null when the object does not exist (one stat or HEAD). */
  stat(key: string): Promise<number | null>
  /** A customer-facing URL valid until `expiresAtSec` (unix seconds). */
  url(key: string, expiresAtSec: number): string
  delete(key: string): Promise<void>
}
