import { createHash, randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { probeMedia, probeStillBytes } from '../media/probe.js'
import { extensionOf } from '../media/mime.js'
import { upscaleVideo } from '../media/upscale.js'
import { upscaledDimensions } from '../media/dimensions.js'
import { sha256File } from '../storage/verified-read.js'
import { ProviderError, type ProviderOutput } from '../providers/provider.js'
import type { VideoParams } from '../domain/params.js'
import type { Storage } from '../storage/storage.js'
import type { JobsTable } from '../store/schema.js'
import type { StoredOutput } from './job-model.js'

export interface OutputDeps {
  storage: Storage
  tmpDir: string
  /** Fetches an upstream output URL into memory, with size and time caps. */
  download(url: string): Promise<Uint8Array>
}

function download(deps: OutputDeps, url: string): Promise<Uint8Array> {
  return deps.download(url).catch((err: unknown) => {
    throw new ProviderError('output_unavailable', String((err as Error)?.message ?? err), { cause: err })
  })
}

/**
 * Re-hosts a finished job's outputs: fetched, probed (and upscaled when asked) and stored, so
 * customer URLs never point at an upstream and outlive its expiring links.
 */
export async function storeOutputs(deps: OutputDeps, job: JobsTable, outputs: ProviderOutput[]): Promise<StoredOutput[]> {
  const stored: StoredOutput[] = []
  const temps: string[] = []
  const tmp = () => {
    const p = path.join(deps.tmpDir, `${job.id}-${randomUUID()}`)
    temps.push(p)
    return p
  }
  const upscale = job.type === 'video' ? (JSON.parse(job.params) as Partial<VideoParams>).upscale : undefined
  try {
    for (const [i, out] of outputs.entries()) {
      const inMemory = out.kind === 'file' ? null : out.kind === 'bytes' ? out.bytes : await download(deps, out.url)
      // A still in memory (an inline image, a downloaded one) is sized, hashed and stored from
      // memory: no temporary file, no probe process, no clean-up.
      let info = inMemory && !upscale ? await probeStillBytes(inMemory) : null
      let source: { path: string } | { bytes: Uint8Array }
      let sha256: string
      if (inMemory && info) {
        source = { bytes: inMemory }
        sha256 = createHash('sha256').update(inMemory).digest('hex')
      } else {
        let file = out.kind === 'file' ? out.path : tmp()
        if (inMemory) await writeFile(file, inMemory)
        info = await probeMedia(file)
        if (upscale && info.width && info.height) {
          const target = upscaledDimensions(info.width, info.height, upscale)
          const up = `${tmp()}.mp4`
          temps.push(up)
          await upscaleVideo(file, up, target.width, target.height)
          file = up
          info = await probeMedia(file)
        }
        // Hashed from the local file before it is stored: serving checks the stored copy against it.
        sha256 = await sha256File(file)
        source = { path: file }
      }
      const key = `results/${job.id}/${i}.${extensionOf(info.mime) ?? 'bin'}`
      const bytes = await deps.storage.put(key, source, info.mime)
      stored.push({ key, mime: info.mime, width: info.width, height: info.height, durationSec: info.durationSec, bytes, sha256, hasAudio: info.hasAudio })
    }
    return stored
  } catch (err) {
    await Promise.all(stored.map((s) => deps.storage.delete(s.key).catch(() => undefined)))
    throw err
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })))
    await Promise.all(outputs.flatMap((o) => (o.kind === 'file' ? [rm(o.path, { force: true })] : [])))
  }
}
