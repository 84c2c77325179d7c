import { createHash, randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { imageDimensions, videoDimensions } from '../../media/dimensions.js'
import { ProviderError, type Provider, type ProviderJob, type ProviderOutput } from '../provider.js'
import { renderImage } from './render-image.js'
import { renderVideo } from './render-video.js'
import { resolveModel } from '../../catalog/models.js'
import { AUTO_DURATION, type ImageParams, type VideoParams } from '../../domain/params.js'

export interface StudioOptions {
  /** Simulated time to a result, in milliseconds of the injected clock. */
  latencyMs: number
  /** Fraction of jobs that fail on purpose (decided by the job id, so a retry agrees). */
  failureRate: number
}

function unit(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 0x1_0000_0000
}

function autoSeconds(modelId: string): number {
  const m = resolveModel(modelId)
  return m?.type === 'video' ? m.defaultDuration : 5
}

/** seed -1 means "any": derive one from the job so different jobs differ and retries agree. */
function seedOf(job: ProviderJob, seed: number): number {
  return seed >= 0 ? seed : Math.floor(unit(`seed:${job.id}`) * 0xffff_ffff)
}

/**
 * The built-in provider: renders real PNG/JPEG and H.264 MP4 files locally, so every flow works
 * offline. Same prompt and seed → the same pixels.
 */
export function createStudioProvider(opts: StudioOptions): Provider {
  async function render(job: ProviderJob, tmpDir: string): Promise<ProviderOutput[]> {
    // Unique per render: a worker whose lease ran out may still be rendering the same job when
    // the next owner starts, and each deletes its own files when it is done with them.
    const base = path.join(tmpDir, `${job.id}-${randomUUID()}-studio`)
    if (job.type === 'video') {
      const p = job.params as VideoParams
      const { width, height } = p.size ?? videoDimensions(p.resolution, p.aspectRatio)
      const out = `${base}.mp4`
      // "The model picks" (-1): studio picks the model's default length.
      const durationSec = p.durationSec === AUTO_DURATION ? autoSeconds(job.model) : p.durationSec
      await renderVideo({ prompt: p.prompt, seed: seedOf(job, p.seed), width, height, durationSec, audio: p.generateAudio, outPath: out })
      return [{ kind: 'file', path: out, mime: 'video/mp4' }]
    }
    const p = job.params as ImageParams
    const { width, height } = imageDimensions(p.resolution, p.aspectRatio)
    const outputs: ProviderOutput[] = []
    for (let i = 0; i < p.n; i++) {
      const bytes = await renderImage({ prompt: p.prompt, seed: seedOf(job, p.seed), width, height, format: p.format, index: i })
      const file = `${base}-${i}.${p.format === 'png' ? 'png' : 'jpg'}`
      await writeFile(file, bytes)
      outputs.push({ kind: 'file', path: file, mime: p.format === 'png' ? 'image/png' : 'image/jpeg' })
    }
    return outputs
  }

  return {
    name: 'studio',
    async submit(job) {
      return { upstreamId: `studio_${job.id}` }
    },
    async get(_upstreamId, job, ctx) {
      const started = job.submittedAt ?? ctx.clock.now()
      const elapsed = ctx.clock.now() - started
      if (elapsed < opts.latencyMs) {
        const remaining = opts.latencyMs - elapsed
        return { state: 'running', progress: Math.floor((elapsed / opts.latencyMs) * 100), nextPollMs: Math.min(remaining, 1_000) }
      }
      if (opts.failureRate > 0 && unit(`fail:${job.id}`) < opts.failureRate) {
        return {
          state: 'failed',
          error: new ProviderError({ kind: 'user', code: 'generation_failed', publicMessage: 'The generation failed.', detail: 'studio: simulated failure' }),
        }
      }
      return { state: 'succeeded', outputs: await render(job, ctx.tmpDir) }
    },
    async cancel() {},
  }
}
