import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DEFAULT_PRICES, loadPriceBook } from '../../src/catalog/prices.js'
import { resolveModel, type ImageModel, type VideoModel } from '../../src/catalog/models.js'
import { validateImage, validateVideo } from '../../src/catalog/validate.js'
import { priceImage, priceVideo } from '../../src/domain/pricing.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const video = (id: string) => resolveModel(id) as VideoModel
const image = (id: string) => resolveModel(id) as ImageModel
const v = (id: string, input: object) => priceVideo(DEFAULT_PRICES, id, validateVideo(video(id), { prompt: 'a test prompt', ...input }))
const i = (id: string, input: object) => priceImage(DEFAULT_PRICES, id, validateImage(image(id), { prompt: 'a test prompt', ...input }))

describe('default prices from the seeds', () => {
  it('charges 200 for a 5 s 720p seedance-2.0 job and 160 on fast', () => {
    expect(v('seedance-2.0', { durationSec: 5, resolution: '720p' })).toBe(200)
    expect(v('seedance-2.0-fast', { durationSec: 5, resolution: '720p' })).toBe(160)
  })
  it('halves at 480p and doubles at 1080p', () => {
    expect(v('seedance-2.0', { durationSec: 5, resolution: '480p' })).toBe(100)
    expect(v('seedance-2.0', { durationSec: 5, resolution: '1080p' })).toBe(400)
  })
  it('matches the 002 table: upscale surcharges and ×2 with reference videos', () => {
    expect(v('seedance-2.0', { durationSec: 5, upscale: '2k' })).toBe(300)
    expect(v('seedance-2.0', { durationSec: 5, upscale: '4k' })).toBe(400)
    expect(v('seedance-2.0-fast', { durationSec: 5, upscale: '2k' })).toBe(260)
    expect(v('seedance-2.0-fast', { durationSec: 5, upscale: '4k' })).toBe(360)
    const refs = { referenceImageUrls: ['https://example.com/a.png'], referenceVideoUrls: ['https://example.com/a.mp4'] }
    expect(v('seedance-2.0', { durationSec: 5, ...refs })).toBe(400)
    expect(v('seedance-2.0', { durationSec: 5, upscale: '2k', ...refs })).toBe(500)
  })
  it('charges 20 for a LOW 1K image, scaled by quality, resolution and count', () => {
    expect(i('gpt-image-2', {})).toBe(20)
    expect(i('gpt-image-2', { quality: 'MEDIUM' })).toBe(40)
    expect(i('gpt-image-2', { quality: 'HIGH', resolution: '2K' })).toBe(160)
    expect(i('gpt-image-2', { n: 4 })).toBe(80)
  })
  it('always yields a non-negative integer, monotone in duration', () => {
    fc.assert(
      fc.property(fc.constantFrom('seedance-2.0', 'seedance-2.0-fast'), fc.integer({ min: 4, max: 14 }), fc.constantFrom('480p', '720p', '1080p'), (id, d, r) => {
        const a = v(id, { durationSec: d, resolution: r })
        const b = v(id, { durationSec: d + 1, resolution: r })
        return Number.isInteger(a) && a >= 0 && b > a
      }),
    )
  })
})

describe('operator price file', () => {
  it('overrides defaults and keeps the rest', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prices-'))
    const file = path.join(dir, 'prices.json')
    writeFileSync(file, JSON.stringify({ video: { perSecond: { 'seedance-2.0': 50 } }, plans: { gold: { name: 'Gold', requestsPerMinute: 1000, maxActiveJobs: 50, monthlyCreditQuota: 100000 } } }))
    const book = loadPriceBook(file)
    expect(book.video.perSecond['seedance-2.0']).toBe(50)
    expect(book.video.perSecond['seedance-2.0-fast']).toBe(32)
    expect(book.plans.gold?.maxActiveJobs).toBe(50)
    expect(book.plans.default?.maxActiveJobs).toBe(3)
  })
  it('rejects a malformed file with a message naming the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prices-'))
    const file = path.join(dir, 'prices.json')
    writeFileSync(file, JSON.stringify({ image: { base: { 'gpt-image-2': -5 } } }))
    expect(() => loadPriceBook(file)).toThrow(/image\.base\.gpt-image-2/)
  })
})

describe('catalog', () => {
  it('resolves aliases to catalog ids in one place', () => {
    expect(resolveModel('seedance2')?.id).toBe('seedance-2.0')
    expect(resolveModel('seedance')?.id).toBe('seedance-2.0')
    expect(resolveModel('SEEDANCE2-FAST')?.id).toBe('seedance-2.0-fast')
    expect(resolveModel('nano-banana')?.id).toBe('nano-banana-pro')
    expect(resolveModel('nope')).toBeUndefined()
  })
  it('fills defaults into the canonical form', () => {
    expect(validateVideo(video('seedance-2.0'), { prompt: 'hello world' })).toEqual({
      prompt: 'hello world', durationSec: 5, resolution: '720p', aspectRatio: '16:9', generateAudio: true, seed: -1, cameraFixed: false, qualityTier: 'standard',
      referenceImageUrls: [], referenceVideoUrls: [], referenceAudioUrls: [],
    })
  })
  it('allows a video without a prompt when an image guides it', () => {
    expect(validateVideo(video('seedance-2.0'), { firstFrameUrl: 'https://example.com/a.png' }).prompt).toBe('')
  })
  it('caps references at 12 in all', () => {
    const urls = (n: number, ext: string) => Array.from({ length: n }, (_, k) => `https://example.com/${k}.${ext}`)
    expect(() => validateVideo(video('seedance-2.0'), { prompt: 'many refs', referenceImageUrls: urls(9, 'png'), referenceVideoUrls: urls(3, 'mp4'), referenceAudioUrls: urls(1, 'mp3') })).toThrow(/at most 12/)
    expect(validateVideo(video('seedance-2.0'), { prompt: 'many refs', referenceImageUrls: urls(9, 'png'), referenceVideoUrls: urls(3, 'mp4') }).referenceImageUrls).toHaveLength(9)
  })
})
