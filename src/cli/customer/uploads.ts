import { openAsBlob } from 'node:fs'
import path from 'node:path'
import { CliFailure, EXIT } from './failure.js'
import { intFlag, type ImageFlags, type VideoFlags } from './flags.js'
import type { Reelay } from '#sdk'

/*
 * Local reference files travel as multipart uploads. The native routes take references as URLs
 * only; the OpenAI-compatible routes take files (docs/api/openai.md): `POST /v1/videos` a start
 * frame (`input_reference`), `POST /v1/images/edits` reference images (`image[]`). Both make the
 * same kind of job, so everything after the submit is the native API again.
 */

const ratioOf = (ratio: string, flag: string): [number, number] => {
  const m = /^(\d+):(\d+)$/.exec(ratio)
  if (!m) throw new CliFailure(`${flag} must be W:H, e.g. 16:9, with a local file (got ${ratio})`, EXIT.badInput, 'invalid_request', flag)
  return [Number(m[1]), Number(m[2])]
}

const mult16 = (n: number) => Math.max(16, Math.round(n / 16) * 16)

/** `16:9` at `720p` → `1280x720`: the short edge is the resolution. */
export function videoWxH(ratio = '16:9', resolution = '720p'): string {
  const short = { '480p': 480, '720p': 720, '1080p': 1080 }[resolution.toLowerCase()]
  if (!short) throw new CliFailure(`--resolution must be 480p, 720p or 1080p (got ${resolution})`, EXIT.badInput, 'invalid_request', '--resolution')
  const [a, b] = ratioOf(ratio, '--ratio')
  const long = mult16((short * Math.max(a, b)) / Math.min(a, b))
  return a >= b ? `${long}x${short}` : `${short}x${long}`
}

/** `16:9` at `2K` → `2048x1152`: the long edge is the resolution class. */
export function imageWxH(ratio: string | undefined, resolution: string | undefined): string | undefined {
  if (ratio === undefined && resolution === undefined) return undefined
  if (ratio === 'auto') return 'auto'
  const long = { '1k': 1024, '2k': 2048, '4k': 3840 }[(resolution ?? '1K').toLowerCase()]
  if (!long) throw new CliFailure(`--resolution must be 1K, 2K or 4K (got ${resolution})`, EXIT.badInput, 'invalid_request', '--resolution')
  const [a, b] = ratioOf(ratio ?? '1:1', '--ratio')
  const short = mult16((long * Math.min(a, b)) / Math.max(a, b))
  if (long * short > 3840 * 2160)
    throw new CliFailure(`--ratio ${ratio ?? '1:1'} at ${resolution} is more pixels than an uploaded-reference image may have (3840x2160); use 2K`, EXIT.badInput, 'invalid_request', '--resolution')
  return a >= b ? `${long}x${short}` : `${short}x${long}`
}

async function filePart(file: string): Promise<[Blob, string]> {
  return [await openAsBlob(file), path.basename(file)]
}

/** Flags the OpenAI video route has no field for: refused rather than silently dropped. */
function refuseUnsupported(flags: Record<string, unknown>, names: Record<string, string>): void {
  const given = Object.entries(names).filter(([k]) => flags[k] !== undefined && flags[k] !== false)
  if (given.length) {
    throw new CliFailure(`${given.map(([, n]) => n).join(', ')} cannot be combined with a local --image file; give --image as an https URL instead`, EXIT.badInput, 'invalid_request', given[0]![1])
  }
}

/** Submits a video whose start frame is a local file; returns the job id (`job_…`). */
export async function submitVideoWithFile(client: Reelay, prompt: string, file: string, f: VideoFlags, idempotencyKey: string): Promise<string> {
  refuseUnsupported(f as Record<string, unknown>, {
    endImage: '--end-image',
    refImage: '--ref-image',
    refVideo: '--ref-video',
    audio: '--audio',
    silent: '--silent',
    seed: '--seed',
    cameraFixed: '--camera-fixed',
    webhook: '--webhook',
    promptMode: '--prompt-mode',
  })
  const form = new FormData()
  form.set('prompt', prompt)
  if (f.model) form.set('model', f.model)
  const seconds = intFlag(f.duration, '--duration')
  if (seconds !== undefined) form.set('seconds', String(seconds))
  form.set('size', videoWxH(f.ratio, f.resolution))
  form.set('input_reference', ...(await filePart(file)))
  const video = await client.request<{ id: string }>('POST', '/v1/videos', { body: form, headers: { 'idempotency-key': idempotencyKey } })
  return `job_${video.id.slice('video_'.length)}`
}

/**
 * Submits an image with local reference files. The OpenAI edit route answers when the image is
 * ready (it waits up to the server's REELAY_SYNC_WAIT_MS); the job id comes in `x-reelay-job-id`.
 */
export async function submitImageWithFiles(client: Reelay, prompt: string, files: string[], urls: string[], f: ImageFlags, idempotencyKey: string): Promise<string> {
  refuseUnsupported(f as Record<string, unknown>, { seed: '--seed', webhook: '--webhook', promptMode: '--prompt-mode' })
  const form = new FormData()
  form.set('prompt', prompt)
  if (f.model) form.set('model', f.model)
  const n = intFlag(f.n, '--n')
  if (n !== undefined) form.set('n', String(n))
  if (f.quality) form.set('quality', f.quality.toLowerCase())
  if (f.format) form.set('output_format', f.format)
  const wxh = imageWxH(f.ratio, f.resolution)
  if (wxh) form.set('size', wxh)
  form.set('response_format', 'url')
  for (const file of files) form.append('image[]', ...(await filePart(file)))
  urls.forEach((u, i) => form.set(`images[${i}][image_url]`, u))
  const { headers } = await client.requestWithMeta<unknown>('POST', '/v1/images/edits', { body: form, headers: { 'idempotency-key': idempotencyKey } })
  const jobId = headers.get('x-reelay-job-id')
  if (!jobId) throw new CliFailure('The server did not say which job it made (no x-reelay-job-id)', EXIT.failure, 'internal_error')
  return jobId
}
