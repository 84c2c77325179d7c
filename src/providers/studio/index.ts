import { createHash, randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { imageDimensions, videoDimensions } from '../../media/dimensions.js'
import { ProviderError, type Provider, type ProviderJob, type ProviderOutput } from '../provider.js'
import { renderImage } from './render-image.js'
import { renderVideo } from './render-video.js'
import { resolveModel } from '../../catalog/models.js'
import { AUTO_DURATION, type ImageParams, type VideoParams } from '../../domain/params.js'
import { referencePixels, renderFromInputs, type LocalInput } from './render-inputs.js'

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
  /** The job's stored inputs as local files, in slot order, for ffmpeg to read. */
  async function localInputs(job: ProviderJob, base: string, files: string[]): Promise<(LocalInput & { slot: string })[]> {
    const inputs = (await job.inputs?.()) ?? []
    return Promise.all(
      inputs.map(async (i) => {
        const file = `${base}-in-${i.slot}-${i.index}`
        files.push(file)
        await writeFile(file, await i.read())
        return { kind: i.kind, path: file, slot: i.slot }
      }),
    )
  }

  async function render(job: ProviderJob, tmpDir: string): Promise<ProviderOutput[]> {
    // Unique per render: a worker whose lease ran out may still be rendering the same job when
    // the next owner starts, and each deletes its own files when it is done with them.
    const base = path.join(tmpDir, `${job.id}-${randomUUID()}-studio`)
    const files: string[] = []
    try {
      const inputs = await localInputs(job, base, files)
      return await (job.type === 'video' ? renderVideoJob(job, base, inputs) : renderImageJob(job, base, inputs))
    } finally {
      await Promise.all(files.map((f) => rm(f, { force: true })))
    }
  }

  /** `base`: this render's unique temp-file prefix. */
  async function renderVideoJob(job: ProviderJob, base: string, inputs: (LocalInput & { slot: string })[]): Promise<ProviderOutput[]> {
    const p = job.params as VideoParams
    const { width, height } = p.size ?? videoDimensions(p.resolution, p.aspectRatio)
    const out = `${base}.mp4`
    // "The model picks" (-1): studio picks the model's default length.
    const durationSec = p.durationSec === AUTO_DURATION ? autoSeconds(job.model) : p.durationSec
    const shot = { prompt: p.prompt, seed: seedOf(job, p.seed), width, height, durationSec, audio: p.generateAudio, outPath: out }
    const first = inputs.find((i) => i.slot === 'firstFrameUrl')
    const last = inputs.find((i) => i.slot === 'lastFrameUrl')
    if (first) await renderFromInputs({ ...shot, firstFrame: first.path, ...(last ? { lastFrame: last.path } : {}) })
    else if (inputs.length > 0) await renderFromInputs({ ...shot, references: inputs })
    else await renderVideo(shot)
    return [{ kind: 'file', path: out, mime: 'video/mp4' }]
  }

  async function renderImageJob(job: ProviderJob, base: string, inputs: LocalInput[]): Promise<ProviderOutput[]> {
    const p = job.params as ImageParams
    const { width, height } = imageDimensions(p.resolution, p.aspectRatio)
    const images = inputs.filter((i) => i.kind === 'image')
    const outputs: ProviderOutput[] = []
    for (let i = 0; i < p.n; i++) {
      // Several references: each output of a batch transforms the next one.
      const ref = images.length > 0 ? await referencePixels(images[i % images.length]!.path, width, height) : undefined
      const bytes = await renderImage({ prompt: p.prompt, seed: seedOf(job, p.seed), width, height, format: p.format, index: i, ...(ref ? { reference: ref } : {}) })
      const file = `${base}-${i}.${p.format === 'png' ? 'png' : 'jpg'}`
      await writeFile(file, bytes)
      outputs.push({ kind: 'file', path: file, mime: p.format === 'png' ? 'image/png' : 'image/jpeg' })
    }
    return outputs
  }

  return {
    name: 'studio',
    capabilities: { local: true },
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
          error: new ProviderError('generation_failed', 'studio: simulated failure'),
        }
      }
      return { state: 'succeeded', outputs: await render(job, ctx.tmpDir) }
    },
    async cancel() {},
  }
}
