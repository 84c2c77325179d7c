import { describe, expect, it } from 'vitest'
import type { VideoParams } from '../../../src/domain/params.js'
import type { JsonResponse } from '../../../src/providers/http/json-client.js'
import { videoParams } from '../support.js'
import { predictionToPoll, replicateCreate, replicateHttpError, toReplicateInput } from '../../../src/providers/replicate/mapping.js'

const NOW = Date.UTC(2026, 0, 1)

function params(over: Partial<VideoParams> = {}): VideoParams {
  return videoParams({ prompt: 'p', durationSec: 8, resolution: '480p', aspectRatio: 'adaptive', generateAudio: false, seed: -1, cameraFixed: true, qualityTier: 'pro', ...over })
}

function res(status: number, json: unknown, headers: JsonResponse['headers'] = {}): JsonResponse {
  return { status, headers, json, detail: `replicate POST /x → ${status}` }
}

describe('create request', () => {
  it('maps params to input, leaving out a random seed and empty lists', () => {
    expect(toReplicateInput(params())).toEqual({ prompt: 'p', duration: 8, resolution: '480p', aspect_ratio: 'adaptive', generate_audio: false })
    expect(toReplicateInput(params({ seed: 0, firstFrameUrl: 'https://f', lastFrameUrl: 'https://l' }))).toMatchObject({ seed: 0, image: 'https://f', last_frame_image: 'https://l' })
  })

  it('uses the model endpoint, or /v1/predictions with a version', () => {
    expect(replicateCreate('bytedance/seedance-2.0', {}, 'https://cb')).toEqual({
      path: '/v1/models/bytedance/seedance-2.0/predictions',
      body: { input: {}, webhook: 'https://cb', webhook_events_filter: ['completed'] },
    })
    expect(replicateCreate('bytedance/seedance-2.0:d456b64a', {})).toEqual({ path: '/v1/predictions', body: { version: 'd456b64a', input: {} } })
    expect(replicateCreate('d456b64a', {})).toEqual({ path: '/v1/predictions', body: { version: 'd456b64a', input: {} } })
  })
})

describe('predictions', () => {
  const kindOf = (p: unknown) => {
    const r = predictionToPoll(p, '')
    return r.state === 'failed' ? `${r.error.kind}/${r.error.code}` : r.state
  }

  it('maps every status and output shape', () => {
    expect(kindOf({ status: 'starting' })).toBe('queued')
    expect(kindOf({ status: 'processing' })).toBe('running')
    expect(predictionToPoll({ status: 'succeeded', output: 'https://d/out.mp4' }, '')).toEqual({ state: 'succeeded', outputs: [{ kind: 'url', url: 'https://d/out.mp4', mime: 'video/mp4' }] })
    expect(predictionToPoll({ status: 'succeeded', output: ['https://d/a.webm', 'https://d/b'] }, '')).toEqual({
      state: 'succeeded',
      outputs: [
        { kind: 'url', url: 'https://d/a.webm', mime: 'video/webm' },
        { kind: 'url', url: 'https://d/b', mime: 'video/mp4' },
      ],
    })
    expect(kindOf({ status: 'succeeded', output: null, data_removed: true })).toBe('user/generation_failed')
    expect(kindOf({ status: 'failed', error: 'The input or output was flagged as sensitive. (E005)' })).toBe('user/content_rejected')
    expect(kindOf({ status: 'failed', error: 'CUDA out of memory' })).toBe('user/generation_failed')
    expect(kindOf({ status: 'canceled' })).toBe('user/cancelled')
    expect(kindOf({ status: 'aborted' })).toBe('user/generation_timeout')
    expect(() => predictionToPoll({ status: 'weird' }, '')).toThrow(expect.objectContaining({ kind: 'retryable' }))
  })
})

describe('http errors', () => {
  it.each([
    [429, { detail: 'Request was throttled. Expected available in 7 seconds.' }, 'retryable', 'rate_limited'],
    [500, { detail: 'x' }, 'retryable', 'upstream_unavailable'],
    [422, { title: 'Input validation failed', detail: '- input.duration: too long' }, 'user', 'invalid_input'],
    [422, { title: 'Input flagged', detail: 'flagged as sensitive (E005)' }, 'user', 'content_rejected'],
    [401, { detail: 'Unauthenticated' }, 'config', 'upstream_auth'],
    [402, { detail: 'Billing required' }, 'config', 'upstream_billing'],
    [404, { detail: 'Not found' }, 'config', 'model_unavailable'],
  ] as const)('%i → %s/%s', (status, body, kind, code) => {
    const e = replicateHttpError(res(status, body), NOW)
    expect([e.kind, e.code]).toEqual([kind, code])
  })

  it('carries Retry-After', () => {
    expect(replicateHttpError(res(429, {}, { 'retry-after': '7' }), NOW).retryAfterMs).toBe(7000)
  })
})
