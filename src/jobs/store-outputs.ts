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

/**
 * Re-hosts a finished job's outputs: fetched, probed (and upscaled when asked) and stored, so
 * customer URLs never point at an upstream and outlive its expiring links.
 */
function download(deps: OutputDeps, url: string): Promise<Uint8Array> {
  return deps.download(url).catch((err: unknown) => {
    throw new ProviderError('output_unavailable', String((err as Error)?.message ?? err), { cause: err })
  })
}

export async function storeOutputs(deps: OutputDeps, job: JobsTable, outputs: ProviderOutput[]): Promise<StoredOutput[]> {
  const stored: StoredOutput[] = []
  const temps: string[] = []
  const tmp = () => {
    const p = path.join(deps.tmpDir, `${job.id}-${randomUUID()}`)
    temps.push(p)
    return p
  }
  try {
    for (const [i, out] of outputs.entries()) {
      const params = JSON.parse(job.params) as Partial<VideoParams>
      const upscale = job.type === 'video' && params.upscale
      const inMemory = out.kind === 'bytes' ? out.bytes : out.kind === 'url' ? await download(deps, out.url) : null
      // A still in memory (an inline image, a downloaded one) is sized, hashed and stored from
      // memory: no temporary file, no probe process, no clean-up.
      const still = inMemory && !upscale ? await probeStillBytes(inMemory) : null
      if (inMemory && still) {
        const key = `results/${job.id}/${i}.${extensionOf(still.mime) ?? 'bin'}`
        const sha256 = createHash('sha256').update(inMemory).digest('hex')
        const bytes = await deps.storage.put(key, { bytes: inMemory }, still.mime)
        stored.push({ key, mime: still.mime, width: still.width, height: still.height, durationSec: null, bytes, sha256, hasAudio: false })
        continue
      }
      let file: string
      if (inMemory) {
        file = tmp()
        await writeFile(file, inMemory)
      } else file = (out as Extract<ProviderOutput, { kind: 'file' }>).path
      let info = await probeMedia(file)
      if (upscale && info.width && info.height) {
        const target = upscaledDimensions(info.width, info.height, upscale)
        const up = `${tmp()}.mp4`
        temps.push(up)
        await upscaleVideo(file, up, target.width, target.height)
        file = up
        info = await probeMedia(file)
      }
      const ext = extensionOf(info.mime) ?? 'bin'
      const key = `results/${job.id}/${i}.${ext}`
      // Hashed from the local file before it is stored: serving checks the stored copy against it.
      const sha256 = await sha256File(file)
      const bytes = await deps.storage.put(key, { path: file }, info.mime)
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
