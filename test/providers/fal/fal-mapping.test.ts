import { describe, expect, it } from 'vitest'
import type { VideoParams } from '../../../src/domain/params.js'
import {
  falAppId,
  falAppRoot,
  falHttpError,
  falMode,
  falResultToPoll,
  falUpstreamId,
  parseFalUpstreamId,
  rootFromStatusUrl,
  toFalInput,
} from '../../../src/providers/fal/mapping.js'
import type { JsonResponse } from '../../../src/providers/http/json-client.js'
import { videoParams } from '../support.js'

const NOW = Date.UTC(2026, 0, 1)

function params(over: Partial<VideoParams> = {}): VideoParams {
  return videoParams({ prompt: 'p', durationSec: 6, resolution: '1080p', aspectRatio: 'adaptive', generateAudio: false, seed: -1, cameraFixed: true, ...over })
}

function res(status: number, json: unknown, headers: JsonResponse['headers'] = {}): JsonResponse {
  return { status, headers, json, detail: `fal GET /x → ${status}` }
}

describe('falAppRoot', () => {
  it.each([
    ['fal-ai/bytedance/seedance/v1/pro/text-to-video', 'fal-ai/bytedance'],
    ['fal-ai/bytedance/seedance/v1.5/pro/image-to-video', 'fal-ai/bytedance'],
    ['bytedance/seedance-2.0/text-to-video', 'bytedance/seedance-2.0'],
    ['bytedance/seedance-2.0/fast/reference-to-video', 'bytedance/seedance-2.0'],
    ['fal-ai/flux', 'fal-ai/flux'],
    ['/fal-ai/flux/dev/', 'fal-ai/flux'],
    ['workflows/acme/my-flow/run', 'workflows/acme/my-flow'],
    ['comfy/acme/graph/v2', 'comfy/acme/graph'],
  ])('%s → %s', (app, root) => {
    expect(falAppRoot(app)).toBe(root)
  })
})

describe('app and input selection', () => {
  it('picks the app by inputs and replaces a mode suffix in the mapping', () => {
    expect(falMode(params())).toBe('text-to-video')
    expect(falMode(params({ firstFrameUrl: 'https://f' }))).toBe('image-to-video')
    expect(falMode(params({ referenceAudioUrls: ['https://a'] }))).toBe('reference-to-video')
    expect(() => falMode(params({ lastFrameUrl: 'https://l' }))).toThrow(expect.objectContaining({ kind: 'user', code: 'invalid_input' }))
    expect(() => falMode(params({ firstFrameUrl: 'https://f', referenceImageUrls: ['https://i'] }))).toThrow(expect.objectContaining({ kind: 'user' }))
    expect(falAppId('bytedance/seedance-2.0/fast', 'image-to-video')).toBe('bytedance/seedance-2.0/fast/image-to-video')
    expect(falAppId('bytedance/seedance-2.0/text-to-video', 'reference-to-video')).toBe('bytedance/seedance-2.0/reference-to-video')
  })

  it('sends 2.x fields only, with auto aspect and no seed for "any"', () => {
    expect(toFalInput(params({ firstFrameUrl: 'https://f', lastFrameUrl: 'https://l' }), 'bytedance/seedance-2.0/image-to-video', 'image-to-video')).toEqual({
      prompt: 'p',
      resolution: '1080p',
      duration: '6',
      aspect_ratio: 'auto',
      generate_audio: false,
      image_url: 'https://f',
      end_image_url: 'https://l',
    })
  })

  it('adds camera_fixed, seed and the safety checker for the v1.x apps', () => {
    expect(toFalInput(params({ aspectRatio: '16:9', seed: 9 }), 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video', 'text-to-video')).toEqual({
      prompt: 'p',
      resolution: '1080p',
      duration: '6',
      aspect_ratio: '16:9',
      generate_audio: false,
      camera_fixed: true,
      seed: 9,
      enable_safety_checker: true,
    })
  })
})

describe('upstream id', () => {
  it('round-trips and rejects anything unsafe for a URL path', () => {
    const id = falUpstreamId('fal-ai/bytedance', '3f1c0c7e-1d2b-4d7e-9a0b-1234567890ab')
    expect(id).toBe('fal-ai/bytedance/requests/3f1c0c7e-1d2b-4d7e-9a0b-1234567890ab')
    expect(parseFalUpstreamId(id)).toEqual({ root: 'fal-ai/bytedance', requestId: '3f1c0c7e-1d2b-4d7e-9a0b-1234567890ab' })
    expect(parseFalUpstreamId('req-only')).toBeNull()
    expect(parseFalUpstreamId('../admin/requests/x')).toBeNull()
    expect(parseFalUpstreamId('a/b/requests/x/y')).toBeNull()
    expect(parseFalUpstreamId('a/b/requests/x?y=1')).toBeNull()
  })

  it('takes the root from the returned status_url, falling back to the rule', () => {
    expect(rootFromStatusUrl('https://queue.fal.run/bytedance/seedance-2.0/requests/r1/status', 'r1', 'bytedance/seedance-2.0')).toBe('bytedance/seedance-2.0')
    expect(rootFromStatusUrl('https://queue.fal.run/workflows/a/b/requests/r1/status', 'r1', 'workflows/a')).toBe('workflows/a/b')
    expect(rootFromStatusUrl('https://proxy.example/fal/bytedance/x/requests/r1/status', 'r1', 'bytedance/x')).toBe('bytedance/x')
    expect(rootFromStatusUrl('https://queue.fal.run/other/shape', 'r1', 'bytedance/x')).toBe('bytedance/x')
    expect(rootFromStatusUrl(undefined, 'r1', 'bytedance/x')).toBe('bytedance/x')
    expect(rootFromStatusUrl('not a url', 'r1', 'bytedance/x')).toBe('bytedance/x')
  })
})

describe('results and errors', () => {
  const kindOf = (r: ReturnType<typeof falResultToPoll>) => (r.state === 'failed' ? `${r.error.kind}/${r.error.code}` : r.state)

  it('maps the result fetch after COMPLETED', () => {
    expect(falResultToPoll(res(200, { video: { url: 'https://v/x.mp4', content_type: 'video/mp4' } }), NOW)).toEqual({
      state: 'succeeded',
      outputs: [{ kind: 'url', url: 'https://v/x.mp4', mime: 'video/mp4' }],
    })
    expect(kindOf(falResultToPoll(res(200, { seed: 1 }), NOW))).toBe('user/generation_failed')
    expect(kindOf(falResultToPoll(res(422, { detail: [{ type: 'content_policy_violation', msg: 'm' }] }), NOW))).toBe('user/content_rejected')
    expect(kindOf(falResultToPoll(res(422, { detail: [{ type: 'missing', msg: 'field required' }] }), NOW))).toBe('user/invalid_input')
    expect(kindOf(falResultToPoll(res(500, { detail: 'x', error_type: 'runner_disconnected' }), NOW))).toBe('user/generation_failed')
    expect(kindOf(falResultToPoll(res(504, { detail: 'x' }, { 'x-fal-error-type': 'request_timeout' }), NOW))).toBe('user/generation_failed')
    expect(() => falResultToPoll(res(503, { detail: 'overloaded' }), NOW)).toThrow(expect.objectContaining({ kind: 'retryable' }))
    expect(() => falResultToPoll(res(429, {}, { 'retry-after': '5' }), NOW)).toThrow(expect.objectContaining({ kind: 'retryable', retryAfterMs: 5000 }))
  })

  it('classifies string and list details', () => {
    expect(falHttpError(res(422, { detail: 'Content policy violation detected' }), NOW).code).toBe('content_rejected')
    expect(falHttpError(res(400, { detail: 'Bad aspect ratio' }), NOW).code).toBe('invalid_input')
    expect(falHttpError(res(401, { detail: 'No key' }), NOW).kind).toBe('config')
    expect(falHttpError(res(404, { detail: 'App not found' }), NOW).kind).toBe('config')
  })
})
