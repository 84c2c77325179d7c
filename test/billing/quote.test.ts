import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { MODELS, type ImageModel, type VideoModel } from '../../src/catalog/models.js'
import { isActive } from '../../src/store/active.js'

let h: Harness
let c: Awaited<ReturnType<Harness['customer']>>
beforeAll(async () => {
  h = await createHarness()
  c = await h.customer(10_000_000, 'pro')
})
afterAll(async () => {
  await h.close()
})

const video = MODELS.filter((m): m is VideoModel => m.type === 'video')
const image = MODELS.filter((m): m is ImageModel => m.type === 'image')
const prompt = fc.constantFrom('a calm lake at dawn', 'a red fox running through snow', 'city lights at night, slow pan')
/** Drops undefined fields, as a client that leaves them out would. */
const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })

/** Random bodies in each dialect's own shape, for every model it serves: [route, body]. */
const nativeVideo = fc.constantFrom(...video).chain((m) =>
  fc
    .record({
      prompt,
      model: fc.constant(m.id),
      duration: maybe(fc.constantFrom(...m.durations, ...(m.autoDuration ? [-1] : []))),
      resolution: maybe(fc.constantFrom(...m.resolutions)),
      aspectRatio: maybe(fc.constantFrom(...m.aspectRatios)),
    })
    .map((b) => ['/v1/videos/generate', clean(b)] as const),
)
const nativeImage = fc.constantFrom(...image).chain((m) =>
  fc
    .record({
      prompt,
      model: fc.constant(m.id),
      quality: maybe(fc.constantFrom(...m.qualities)),
      resolution: maybe(fc.constantFrom(...m.resolutions)),
      aspectRatio: maybe(fc.constantFrom(...m.aspectRatios)),
      n: maybe(fc.integer({ min: m.batch.min, max: m.batch.max })),
    })
    .map((b) => ['/v1/images/generate', clean(b)] as const),
)
const tasksSeedance = fc
  .record({
    prompt,
    quality_tier: maybe(fc.constantFrom('standard', 'pro', 'mini')),
    duration: maybe(fc.integer({ min: 4, max: 15 }).map(String)),
    resolution: maybe(fc.constantFrom('720p', '1080p')),
    aspect_ratio: maybe(fc.constantFrom('16:9', '9:16', '1:1', '21:9')),
  })
  .map((b) => ['/api/v1/video/seedance2', clean(b)] as const)
const tasks25 = fc
  .record({ prompt, duration: maybe(fc.constantFrom('-1', '4', '12', '30')), resolution: maybe(fc.constantFrom('720p', '1080p')) })
  .map((b) => ['/api/v1/video/seedance25', clean(b)] as const)
const tasksGpt = fc
  .record({
    type: fc.constant('text-to-image'),
    prompt,
    channel: maybe(fc.constantFrom('standard', 'economy')),
    resolution: fc.constantFrom('1K', '2K', '4K'),
    aspectRatio: fc.constantFrom('1:1', '16:9', '9:16', 'auto'),
    batchCount: maybe(fc.integer({ min: 1, max: 4 })),
  })
  .map((b) => ['/api/v1/image/gpt-image-2', clean(b)] as const)
const tasksNano = fc
  .record({ type: fc.constant('text-to-image'), prompt, resolution: maybe(fc.constantFrom('1K', '2K', '4K')), image_size: maybe(fc.constantFrom('1:1', '16:9')) })
  .map((b) => ['/api/v1/image/nano-banana-pro', clean(b)] as const)
const jobsTask = fc
  .record({
    model: fc.constantFrom('seedance2', 'seedance2-fast'),
    inputs: fc
      .record({
        prompt,
        duration: maybe(fc.integer({ min: 4, max: 15 }).map((s) => `${s}s`)),
        resolution: maybe(fc.constantFrom('1280x720', '720x720', '1280x540')),
        upscaleResolution: maybe(fc.constantFrom('2k', '4k')),
      })
      .map(clean),
  })
  .map((b) => ['/api/v1/jobs/createTask', b] as const)
const openGen = fc
  .record({
    prompt,
    model: maybe(fc.constantFrom('seedance-2.0', 'seedance-2.0-fast', 'seedance-1.5-pro')),
    duration: maybe(fc.constantFrom(4, 5, 10, 15)),
    resolution: maybe(fc.constantFrom('480p', '720p', '1080p')),
    aspectRatio: maybe(fc.constantFrom('16:9', '1:1')),
  })
  .map((b) => ['/api/open/v1/video/generations', clean(b)] as const)

const quote = (forPath: string, body: unknown) => h.app.inject({ method: 'POST', url: `/v1/quote?for=${encodeURIComponent(forPath)}`, headers: c.auth, payload: body as Record<string, unknown> })
const figures = () => h.rt.store.db.selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', c.account.id).executeTakeFirstOrThrow()

let n = 0
const outcomes = { priced: 0, refused: 0 }
async function cancelActive(): Promise<void> {
  const rows = await h.rt.store.db.selectFrom('jobs').select('id').where('accountId', '=', c.account.id).where(isActive).execute()
  for (const r of rows) await h.rt.jobs.cancel(c.account.id, r.id)
}

describe('POST /v1/quote', () => {
  it('quotes exactly what the submit that follows holds, for random valid bodies of every model in every dialect, and holds nothing itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(nativeVideo, nativeImage, tasksSeedance, tasks25, tasksGpt, tasksNano, jobsTask, openGen), async ([route, body]) => {
        const before = await figures()
        const q = await quote(route, body)
        expect(await figures()).toEqual(before)
        const submit = await h.app.inject({ method: 'POST', url: route, headers: { ...c.auth, 'idempotency-key': `prop-${++n}` }, payload: body })
        outcomes[q.statusCode === 200 ? 'priced' : 'refused']++
        if (q.statusCode !== 200) {
          // A body the catalog refuses is refused by both, naming the same field.
          expect(submit.statusCode, JSON.stringify(q.json())).toBe(400)
          expect(q.json().error.field).toBe(submit.json().error.field ?? q.json().error.field)
          return
        }
        expect(submit.statusCode, submit.body).toBeLessThan(300)
        const held = (await figures()).reserved - before.reserved
        const answer = q.json() as { credits: number; breakdown: { credits: number }[]; available: number }
        expect(answer.credits).toBe(held)
        expect(answer.breakdown.reduce((s, l) => s + l.credits, 0)).toBe(answer.credits)
        expect(answer.available).toBe(before.balance - before.reserved)
        await cancelActive()
      }),
      { numRuns: 120 },
    )
    // Most random bodies are valid, so the property speaks of real holds.
    expect(outcomes.priced).toBeGreaterThan(outcomes.refused)
  })

  it('shows the breakdown: base, resolution, the ×2 video-reference rule and upscale', async () => {
    const r = await quote('/v1/videos/generate', { prompt: 'a calm lake at dawn', model: 'seedance-2.0', duration: 10, resolution: '1080p', referenceVideos: ['https://example.com/ref.mp4'] })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({
      credits: 1600,
      model: 'seedance-2.0',
      dialect: 'native',
      breakdown: [
        { item: 'base', credits: 400 },
        { item: 'resolution', credits: 400 },
        { item: 'videoReference', credits: 800 },
      ],
    })
    const up = await quote('/api/v1/jobs/createTask', { model: 'seedance2-fast', inputs: { prompt: 'a calm lake at dawn', duration: '5s', upscaleResolution: '4k' } })
    expect(up.json().breakdown).toEqual([
      { item: 'base', detail: '5 s × 32 credits/s (seedance-2.0-fast)', credits: 160 },
      { item: 'resolution', detail: '720p ×1', credits: 0 },
      { item: 'upscale', detail: '5 s × 40 credits/s (4k)', credits: 200 },
    ])
    const economy = await quote('/api/v1/image/gpt-image-2', { type: 'text-to-image', prompt: 'a red fox', resolution: '2K', aspectRatio: '16:9', channel: 'economy' })
    expect(economy.json()).toMatchObject({ credits: 20, breakdown: expect.arrayContaining([{ item: 'tier', detail: 'economy ×0.5', credits: -20 }]) })
  })

  it('answers 400 naming the field for an unknown route or a body its dialect refuses, and 401 without a key', async () => {
    const bad = await quote('/v1/nowhere', { prompt: 'x' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'for' })
    const dur = await quote('/api/v1/jobs/createTask', { model: 'seedance2', inputs: { prompt: 'a calm lake', duration: 'forever' } })
    expect(dur.json().error).toMatchObject({ field: 'inputs.duration' })
    expect((await h.app.inject({ method: 'POST', url: '/v1/quote?for=/v1/videos/generate', payload: { prompt: 'x' } })).statusCode).toBe(401)
    // No `for`: the dialect's submit route for the body's model type (native by default).
    const inferred = await h.app.inject({ method: 'POST', url: '/v1/quote', headers: c.auth, payload: { model: 'nano-banana-pro', prompt: 'a red fox' } })
    expect(inferred.json()).toMatchObject({ credits: 20, dialect: 'native', for: '/v1/images/generate' })
  })
})

describe('GET /v1/pricing', () => {
  it('lists every model and option in credits and money, plus packs and plans, without a key', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/v1/pricing' })
    expect(r.statusCode).toBe(200)
    const p = r.json()
    expect(p).toMatchObject({ currency: 'USD', creditsPerUnit: 400 })
    expect(p.models.map((m: { id: string }) => m.id)).toEqual(MODELS.map((m) => m.id))
    const s2 = p.models.find((m: { id: string }) => m.id === 'seedance-2.0')
    expect(s2.perSecond).toContainEqual({ resolution: '720p', creditsPerSecond: 40, price: { amount: 0.1, currency: 'USD' } })
    expect(s2.jobs).toContainEqual({ resolution: '1080p', durationSec: 15, credits: 1200, price: { amount: 3, currency: 'USD' } })
    expect(s2.upscale).toContainEqual({ upscale: '4k', creditsPerSecond: 40, price: { amount: 0.1, currency: 'USD' } })
    const gpt = p.models.find((m: { id: string }) => m.id === 'gpt-image-2')
    expect(gpt.images).toContainEqual({ tier: 'economy', quality: 'HIGH', resolution: '4K', credits: 160, price: { amount: 0.4, currency: 'USD' } })
    // GPT Image 2 cannot render 1:1 4K on standard, but other ratios can: the row is there.
    expect(gpt.images.some((i: { tier: string; resolution: string }) => i.tier === 'standard' && i.resolution === '4K')).toBe(true)
    expect(p.packs).toContainEqual({ id: 'starter', name: 'Starter', credits: 2000, price: { amount: 5, currency: 'USD' } })
    expect(p.plans).toContainEqual({
      id: 'pro',
      name: 'Pro',
      monthlyCredits: 20_000,
      price: { amount: 49, currency: 'USD' },
      limits: { requestsPerMinute: 600, activeJobs: 20, monthlyCreditQuota: null },
    })
  })
})
