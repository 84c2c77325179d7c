import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import { startFakeArk, type FakeArk } from '../support/fakes/ark-server.js'
import { startFakeChat, type FakeChat } from '../support/fakes/chat-server.js'
import { fakeModel } from '../support/fakes/chat-model.js'

let video: Uint8Array
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-video-'))
  const out = path.join(dir, 'v.mp4')
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
  execFileSync(ffmpeg, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', out])
  video = readFileSync(out)
})

let h: Harness | undefined
let ark: FakeArk | undefined
let chat: FakeChat | undefined
afterEach(async () => {
  await h?.close()
  await ark?.close()
  await chat?.close()
  h = ark = chat = undefined
})

/** One Seedance channel on a fake Ark (language zh by default), an LLM channel on a fake chat server. */
async function setup(o: { llm?: boolean; prices?: object; prompts?: object; env?: Record<string, string> } = {}) {
  ark = await startFakeArk({ video, getsPerStep: 1 })
  chat = await startFakeChat(fakeModel)
  const dir = mkdtempSync(path.join(tmpdir(), 'prompts-'))
  const file = path.join(dir, 'channels.json')
  const env: Record<string, string> = { REELAY_CHANNELS_FILE: file, REELAY_ALLOW_PRIVATE_URLS: '1', ARK_KEY: ark.apiKey, LLM_KEY: chat.apiKey }
  writeFileSync(
    file,
    JSON.stringify({
      channels: [{ id: 'ark', provider: 'ark', baseUrl: ark.url, apiKeyEnv: 'ARK_KEY', models: { 'seedance-2.0': 'dreamina-seedance-2-0-260128' }, ratePerSecond: 1000, options: { timeoutMs: 1_500 } }],
      ...(o.llm === false ? {} : { llm: { baseUrl: chat.url, apiKeyEnv: 'LLM_KEY', model: 'qwen2.5:7b', timeoutMs: 1_000 } }),
      ...(o.prompts ? { prompts: o.prompts } : {}),
    }),
  )
  if (o.prices) {
    env.REELAY_PRICES_FILE = path.join(dir, 'prices.json')
    writeFileSync(env.REELAY_PRICES_FILE, JSON.stringify(o.prices))
  }
  h = await createHarness({ env: { ...env, ...o.env } })
  return h.customer(100_000, 'pro')
}

const sentPrompts = () => ark!.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { content: Array<{ type: string; text?: string }> }).content.find((c) => c.type === 'text')?.text)

async function submit(auth: Record<string, string>, key: string, payload: object) {
  const res = await h!.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...auth, 'idempotency-key': key }, payload: { model: 'seedance-2.0', duration: 5, ...payload } })
  expect(res.statusCode, res.body).toBe(202)
  return res.json() as { jobId: string }
}

async function settle(auth: Record<string, string>, id: string) {
  for (let i = 0; i < 50; i++) {
    await h!.rt.worker.drain()
    const job = (await h!.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: auth })).json()
    if (job.status === 'succeeded' || job.status === 'failed') return job
    h!.clock.advance(60_000)
  }
  throw new Error('job did not settle')
}

describe('the prompt pipeline in the worker', () => {
  it('the Seedance channel gets the Chinese translation; the native job detail shows every stage', async () => {
    const c = await setup()
    const { jobId } = await submit(c.auth, 'p1', { prompt: '夕暮れの雪の森を走る赤いキツネ、2匹、文字なし' })
    const job = await settle(c.auth, jobId)
    expect(job.status).toBe('succeeded')
    expect(sentPrompts()).toEqual(['黄昏时分，2只红狐狸在雪林中奔跑，不要文字'])
    expect(job.promptPipeline).toBe('applied (translated)')
    expect(job.prompt).toMatchObject({ mode: 'translate', original: '夕暮れの雪の森を走る赤いキツネ、2匹、文字なし', detectedLanguage: 'ja', targetLanguage: 'zh', translated: '黄昏时分，2只红狐狸在雪林中奔跑，不要文字', enhanced: null })
    expect(job.prompt.latencyMs).toEqual(expect.any(Number))
    expect(JSON.stringify(job)).not.toMatch(/qwen|llm channel|127\.0\.0\.1/)
  })

  it('native enhancePrompt and 002 inputs.enhancePrompt both enhance; 002 shows nothing its document does not define', async () => {
    const c = await setup()
    const a = await submit(c.auth, 'p2', { prompt: 'A red fox runs through snowy woods at dusk, no text', enhancePrompt: true })
    expect((await settle(c.auth, a.jobId)).promptPipeline).toBe('applied (translated, enhanced)')
    const res = await h!.app.inject({ method: 'POST', url: '/api/v1/jobs/createTask', headers: c.auth, payload: { model: 'seedance2', inputs: { prompt: 'Un zorro rojo corre por el bosque nevado, sin texto', enhancePrompt: true } } })
    expect(res.statusCode, res.body).toBe(200)
    await h!.rt.worker.drain()
    expect(sentPrompts()).toEqual([
      '黄昏时分，一只红狐狸在雪林中奔跑，不要文字。镜头缓慢推进，柔和的暮光，电影质感，节奏舒缓',
      '一只红狐狸在雪林中奔跑，不要文字。镜头缓慢推进，柔和的暮光，电影质感，节奏舒缓',
    ])
    const task = await h!.app.inject({ method: 'GET', url: `/api/v1/jobs/recordInfo?taskId=${res.json().taskId}`, headers: c.auth })
    expect(task.body).not.toMatch(/promptPipeline|translated|enhanced/)
  })

  it('promptMode raw sends the prompt as written; a bad promptMode is a 400 naming the field', async () => {
    const c = await setup()
    const { jobId } = await submit(c.auth, 'p3', { prompt: 'A red fox runs through snowy woods at dusk, no text', promptMode: 'raw' })
    expect((await settle(c.auth, jobId)).promptPipeline).toBe('raw (as requested)')
    expect(sentPrompts()).toEqual(['A red fox runs through snowy woods at dusk, no text'])
    expect(chat!.requests).toHaveLength(0)
    const bad = await h!.app.inject({ method: 'POST', url: '/v1/videos/generate', headers: { ...c.auth, 'idempotency-key': 'p3b' }, payload: { prompt: 'a quiet harbour at dawn', model: 'seedance-2.0', duration: 5, promptMode: 'shout' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'promptMode' })
    expect(bad.json().error.message).toMatch(/raw, translate, enhance/)
  })

  it('an LLM outage never fails the job: the original prompt goes upstream and the job says why', async () => {
    const c = await setup({ env: { REELAY_METRICS: 'on', REELAY_METRICS_TOKEN: 'scrape-token-0123456789' } })
    chat!.script('unavailable', { times: 5 })
    const { jobId } = await submit(c.auth, 'p4', { prompt: 'A red fox runs through snowy woods at dusk, no text' })
    const job = await settle(c.auth, jobId)
    expect(job.status).toBe('succeeded')
    expect(job.promptPipeline).toBe('fallback (llm error (HTTP 503))')
    expect(sentPrompts()).toEqual(['A red fox runs through snowy woods at dusk, no text'])
    // Measured: the operator sees the pipeline's time by outcome and the LLM channel's breaker.
    const m = await h!.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } })
    expect(m.body).toMatch(/^reelay_prompt_pipeline_duration_seconds_count\{state="fallback"\} 1$/m)
    expect(m.body).toMatch(/^reelay_breaker_state\{channel="llm"\} 0$/m)
  })

  it('the operator default per plan and the account default pick the mode', async () => {
    const c = await setup({ prompts: { modeByPlan: { pro: 'raw' } } })
    const a = await submit(c.auth, 'p5', { prompt: 'A red fox runs through snowy woods at dusk, no text' })
    expect((await settle(c.auth, a.jobId)).prompt.mode).toBe('raw')
    await h!.rt.store.db.updateTable('accounts').set({ promptMode: 'enhance' }).where('id', '=', c.account.id).execute()
    const b = await submit(c.auth, 'p6', { prompt: 'A red fox runs through snowy woods at dusk, no text' })
    expect((await settle(c.auth, b.jobId)).prompt.mode).toBe('enhance')
  })

  it('the surcharge is quoted and held, charged when the pipeline applied and released when it fell back', async () => {
    const c = await setup({ prices: { prompt: { translate: 3, enhance: 7 } } })
    const ok = await submit(c.auth, 'p7', { prompt: 'A red fox runs through snowy woods at dusk, no text', promptMode: 'enhance' })
    const held = await h!.rt.store.db.selectFrom('jobs').select('price').where('id', '=', ok.jobId).executeTakeFirstOrThrow()
    expect(held.price).toBe(5 * 40 + 7)
    expect((await settle(c.auth, ok.jobId)).chargedCredits).toBe(207)
    chat!.script('refusal', { times: 2 })
    const fb = await submit(c.auth, 'p8', { prompt: 'A red fox runs through snowy woods at dusk, no text', promptMode: 'enhance' })
    const job = await settle(c.auth, fb.jobId)
    expect(job.promptPipeline).toBe('fallback (llm refused)')
    expect(job.chargedCredits).toBe(200)
    expect(await ledgerViolations(h!.rt.store)).toEqual([])
  })

  it('with no LLM channel, detection still runs and the job says so', async () => {
    const c = await setup({ llm: false })
    const { jobId } = await submit(c.auth, 'p9', { prompt: '해질녘 눈 덮인 숲을 달리는 붉은 여우 3마리' })
    const job = await settle(c.auth, jobId)
    expect(job).toMatchObject({ status: 'succeeded', promptPipeline: 'skipped (no llm channel)', prompt: { detectedLanguage: 'ko', translated: null } })
    expect(sentPrompts()).toEqual(['해질녘 눈 덮인 숲을 달리는 붉은 여우 3마리'])
  })
})
