import type { Harness } from '../../support/harness.js'

type Auth = Record<string, string>
export type Kind = 'image' | 'video' | 'audio'

/** An error as the test compares it, whatever the dialect's shape. */
export interface SeenError {
  status: number
  code: string
  field: string | null
  message: string
}

/**
 * One field that takes media, in one dialect: how to send a request whose reference under test
 * is `url` (others, when the field needs company, are valid fixtures), and the name the error
 * must give it.
 */
export interface Target {
  name: string
  kind: Kind
  /** Whose rules apply: Seedance (≥400 px images) or an image model. */
  model: 'video' | 'image'
  field: string
  send(h: Harness, auth: Auth, url: string, ok: Fixtures): Promise<{ status: number; body: unknown }>
  error(res: { status: number; body: unknown }): SeenError
}

/** Valid references of each kind, for fields that need another reference beside the one tested. */
export interface Fixtures {
  image: string
  video: string
  audio: string
}

const P = 'a calm lake at dawn'
let seq = 0
const key = () => ({ 'idempotency-key': `ref-case-${++seq}` })

async function post(h: Harness, url: string, headers: Auth, payload: unknown) {
  const res = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) })
  return { status: res.statusCode, body: res.json() as unknown }
}

type Body = Record<string, any>
const native = (r: { status: number; body: unknown }): SeenError => {
  const e = (r.body as Body).error
  return { status: r.status, code: e.code, field: e.field ?? null, message: e.message }
}
const tasks = native
const open = (r: { status: number; body: unknown }): SeenError => {
  const b = r.body as Body
  return { status: r.status, code: b.error.code, field: b.error.field ?? null, message: b.error.message }
}
const jobs = (r: { status: number; body: unknown }): SeenError => {
  const b = r.body as Body
  return { status: r.status, code: b.code, field: b.field ?? null, message: b.error }
}
const openai = (r: { status: number; body: unknown }): SeenError => {
  const e = (r.body as Body).error
  return { status: r.status, code: e.code === 'invalid_value' ? 'invalid_request' : e.code, field: e.param ?? null, message: e.message }
}

export const TARGETS: Target[] = [
  // 000
  { name: '000 video referenceImage', kind: 'image', model: 'video', field: 'referenceImage', error: native,
    send: (h, a, url) => post(h, '/v1/videos/generate', { ...a, ...key() }, { prompt: P, referenceImage: url }) },
  { name: '000 video referenceImages', kind: 'image', model: 'video', field: 'referenceImages[1]', error: native,
    send: (h, a, url, ok) => post(h, '/v1/videos/generate', { ...a, ...key() }, { prompt: P, referenceImages: [ok.image, url] }) },
  { name: '000 video referenceVideos', kind: 'video', model: 'video', field: 'referenceVideos[0]', error: native,
    send: (h, a, url) => post(h, '/v1/videos/generate', { ...a, ...key() }, { prompt: P, referenceVideos: [url] }) },
  { name: '000 video referenceAudios', kind: 'audio', model: 'video', field: 'referenceAudios[0]', error: native,
    send: (h, a, url, ok) => post(h, '/v1/videos/generate', { ...a, ...key() }, { prompt: P, referenceImages: [ok.image], referenceAudios: [url] }) },
  { name: '000 image referenceImage', kind: 'image', model: 'image', field: 'referenceImage[0]', error: native,
    send: (h, a, url) => post(h, '/v1/images/generate', { ...a, ...key() }, { prompt: P, referenceImage: url }) },
  // 001
  { name: '001 image_url', kind: 'image', model: 'video', field: 'image_url', error: tasks,
    send: (h, a, url) => post(h, '/api/v1/video/seedance', { ...a, ...key() }, { prompt: P, mode: 'image-to-video', image_url: url }) },
  { name: '001 end_image_url', kind: 'image', model: 'video', field: 'end_image_url', error: tasks,
    send: (h, a, url, ok) => post(h, '/api/v1/video/seedance', { ...a, ...key() }, { prompt: P, mode: 'image-to-video', image_url: ok.image, end_image_url: url }) },
  { name: '001 media_urls (image)', kind: 'image', model: 'video', field: 'media_urls[1]', error: tasks,
    send: (h, a, url, ok) => post(h, '/api/v1/video/seedance', { ...a, ...key() }, { prompt: P, mode: 'media-to-video', media_urls: [ok.image, url] }) },
  { name: '001 media_urls (video)', kind: 'video', model: 'video', field: 'media_urls[1]', error: tasks,
    send: (h, a, url, ok) => post(h, '/api/v1/video/seedance', { ...a, ...key() }, { prompt: P, mode: 'media-to-video', media_urls: [ok.image, url] }) },
  { name: '001 media_urls (audio)', kind: 'audio', model: 'video', field: 'media_urls[1]', error: tasks,
    send: (h, a, url, ok) => post(h, '/api/v1/video/seedance', { ...a, ...key() }, { prompt: P, mode: 'media-to-video', media_urls: [ok.image, url] }) },
  { name: '001 imageUrls', kind: 'image', model: 'image', field: 'imageUrls[0]', error: tasks,
    send: (h, a, url) => post(h, '/api/v1/image/gpt-image-2', { ...a, ...key() }, { prompt: P, type: 'image-to-image', aspectRatio: '1:1', resolution: '1K', imageUrls: [url] }) },
  { name: '001 image_urls', kind: 'image', model: 'image', field: 'image_urls[0]', error: tasks,
    send: (h, a, url) => post(h, '/api/v1/image/nano-banana-pro', { ...a, ...key() }, { prompt: P, type: 'image-to-image', image_urls: [url] }) },
  // 002
  { name: '002 urls (i2v)', kind: 'image', model: 'video', field: 'inputs.urls[0]', error: jobs,
    send: (h, a, url) => post(h, '/api/v1/jobs/createTask', a, { model: 'seedance2', inputs: { prompt: P, urls: [url] } }) },
  { name: '002 urls (keyframe end)', kind: 'image', model: 'video', field: 'inputs.urls[1]', error: jobs,
    send: (h, a, url, ok) => post(h, '/api/v1/jobs/createTask', a, { model: 'seedance2', inputs: { prompt: P, urls: [ok.image, url] } }) },
  { name: '002 urls (reference)', kind: 'image', model: 'video', field: 'inputs.urls[1]', error: jobs,
    send: (h, a, url, ok) => post(h, '/api/v1/jobs/createTask', a, { model: 'seedance2', inputs: { prompt: P, videoInputMode: 'reference', urls: [ok.image, url] } }) },
  { name: '002 videoUrls', kind: 'video', model: 'video', field: 'inputs.videoUrls[0]', error: jobs,
    send: (h, a, url) => post(h, '/api/v1/jobs/createTask', a, { model: 'seedance2', inputs: { prompt: P, videoInputMode: 'reference', videoUrls: [url] } }) },
  { name: '002 audioUrls', kind: 'audio', model: 'video', field: 'inputs.audioUrls[0]', error: jobs,
    send: (h, a, url, ok) => post(h, '/api/v1/jobs/createTask', a, { model: 'seedance2', inputs: { prompt: P, videoInputMode: 'reference', urls: [ok.image], audioUrls: [url] } }) },
  // 004
  { name: '004 imageUrl', kind: 'image', model: 'video', field: 'imageUrl', error: open,
    send: (h, a, url) => post(h, '/api/open/v1/video/generations', a, { prompt: P, imageUrl: url }) },
  { name: '004 referenceVideoUrls', kind: 'video', model: 'video', field: 'referenceVideoUrls[0]', error: open,
    send: (h, a, url) => post(h, '/api/open/v1/video/generations', a, { prompt: P, referenceVideoUrls: [url] }) },
  // OpenAI
  { name: 'OpenAI input_reference', kind: 'image', model: 'video', field: 'input_reference', error: openai,
    send: (h, a, url) => post(h, '/v1/videos', { ...a, ...key() }, { prompt: P, input_reference: url }) },
  { name: 'OpenAI edit images', kind: 'image', model: 'image', field: 'images[0].image_url', error: openai,
    send: (h, a, url) => post(h, '/v1/images/edits', { ...a, ...key() }, { prompt: P, images: [{ image_url: url }] }) },
]
