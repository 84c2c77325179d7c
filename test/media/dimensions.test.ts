import { describe, expect, it } from 'vitest'
import { imageDimensions, parseAspectRatio, upscaledDimensions, videoDimensions } from '../../src/media/dimensions.js'
import type { ImageResolution, VideoResolution } from '../../src/domain/params.js'

describe('videoDimensions', () => {
  it.each([
    ['720p', '16:9', 1280, 720],
    ['1080p', '16:9', 1920, 1080],
    ['480p', '16:9', 854, 480],
    ['1080p', '9:16', 1080, 1920],
    ['720p', '9:16', 720, 1280],
    ['480p', '1:1', 480, 480],
    ['480p', '4:3', 640, 480],
    ['720p', '3:4', 720, 960],
    ['720p', '21:9', 1680, 720],
    ['1080p', '21:9', 2520, 1080],
    ['720p', 'adaptive', 1280, 720],
    ['480p', 'auto', 854, 480],
  ] as const)('%s %s → %ix%i', (res, ratio, w, h) => {
    expect(videoDimensions(res as VideoResolution, ratio)).toEqual({ width: w, height: h })
  })

  it('always gives even sides', () => {
    for (const res of ['480p', '720p', '1080p'] as const) {
      for (const ratio of ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9']) {
        const { width, height } = videoDimensions(res, ratio)
        expect(width % 2 + height % 2).toBe(0)
      }
    }
  })

  it('rejects garbage ratios', () => {
    expect(() => videoDimensions('720p', 'wide')).toThrow(RangeError)
    expect(() => parseAspectRatio('0:9', [1, 1])).toThrow(RangeError)
  })
})

describe('upscaledDimensions', () => {
  it.each([
    [1280, 720, '2k', 2560, 1440],
    [1280, 720, '4k', 3840, 2160],
    [854, 480, '4k', 3840, 2160],
    [480, 854, '2k', 1440, 2560],
    [720, 720, '4k', 3840, 3840],
    [1680, 720, '4k', 3840, 1646],
  ] as const)('%ix%i %s → %ix%i', (w, h, target, ew, eh) => {
    expect(upscaledDimensions(w, h, target)).toEqual({ width: ew, height: eh })
  })
})

describe('imageDimensions', () => {
  it.each([
    ['1K', 1024],
    ['2K', 2048],
    ['4K', 4096],
  ] as const)('%s 1:1 and auto are %i square', (res, side) => {
    expect(imageDimensions(res, '1:1')).toEqual({ width: side, height: side })
    expect(imageDimensions(res, 'auto')).toEqual({ width: side, height: side })
  })

  const ratios = ['5:4', '4:5', '9:16', '16:9', '21:9', '9:21', '4:3', '3:4', '3:2', '2:3', '2:1', '1:2', '3:1', '1:3']
  const bases: Record<ImageResolution, number> = { '1K': 1024, '2K': 2048, '4K': 4096 }
  it('keeps ratio, area ≈ base², multiples of 16, long side ≤ 2×base', () => {
    for (const [res, base] of Object.entries(bases) as Array<[ImageResolution, number]>) {
      for (const ratio of ratios) {
        const { width, height } = imageDimensions(res, ratio)
        const [rw, rh] = ratio.split(':').map(Number) as [number, number]
        expect(width % 16, `${res} ${ratio}`).toBe(0)
        expect(height % 16, `${res} ${ratio}`).toBe(0)
        expect(Math.abs(width / height - rw / rh) / (rw / rh), `${res} ${ratio}`).toBeLessThan(0.03)
        expect(Math.abs((width * height) / (base * base) - 1), `${res} ${ratio}`).toBeLessThan(0.03)
        expect(Math.max(width, height)).toBeLessThanOrEqual(base * 2)
        expect(width > height).toBe(rw > rh)
      }
    }
  })

  it('2K 16:9 is about 16/9', () => {
    const { width, height } = imageDimensions('2K', '16:9')
    expect(width / height).toBeCloseTo(16 / 9, 2)
    expect(width).toBe(2736)
    expect(height).toBe(1536)
  })
})
