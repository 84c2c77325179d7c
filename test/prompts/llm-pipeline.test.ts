import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/domain/clock.js'
import { createLlmClient } from '../../src/prompts/llm-channel.js'
import { runPipeline, startRecord } from '../../src/prompts/pipeline.js'
import { promptSettingsSchema, type PromptConfig, type PromptMode } from '../../src/prompts/prompt-config.js'
import { startFakeChat, type FakeChat } from '../support/fakes/chat-server.js'
import { fakeModel } from '../support/fakes/chat-model.js'

let chat: FakeChat
let clock: ManualClock
beforeEach(async () => {
  chat = await startFakeChat(fakeModel)
  clock = new ManualClock()
})
afterEach(() => chat.close())

function setup(over: { timeoutMs?: number; maxTokens?: number; maxConcurrent?: number; steps?: object } = {}) {
  const config: PromptConfig = {
    llm: { id: 'llm', baseUrl: chat.url, apiKey: chat.apiKey, model: 'qwen2.5:7b', timeoutMs: over.timeoutMs ?? 2_000, maxConcurrent: over.maxConcurrent ?? 2, maxTokens: over.maxTokens ?? 300 },
    settings: promptSettingsSchema.parse({ steps: over.steps ?? {} }),
  }
  const llm = createLlmClient(config.llm!, clock)
  const run = async (prompt: string, mode: PromptMode, target: string | null = 'zh', type: 'video' | 'image' = 'video') =>
    runPipeline(config, llm, { record: await startRecord(config, prompt, mode, 0), type, model: 'seedance-2.0', targetLanguage: target })
  return { config, llm, run }
}

describe('the prompt pipeline against an OpenAI-compatible chat-completions server', () => {
  it.each([
    ['A red fox runs through snowy woods at dusk, no text', 'en', '黄昏时分，一只红狐狸在雪林中奔跑，不要文字'],
    ['夕暮れの雪の森を走る赤いキツネ、2匹、文字なし', 'ja', '黄昏时分，2只红狐狸在雪林中奔跑，不要文字'],
    ['해질녘 눈 덮인 숲을 달리는 붉은 여우 3마리', 'ko', '黄昏时分，3只红狐狸在雪林中奔跑'],
    ['Un zorro rojo corre por el bosque nevado, sin texto', 'es', '一只红狐狸在雪林中奔跑，不要文字'],
  ])('translates %s (%s) into Chinese for a Seedance channel', async (prompt, lang, zh) => {
    const { run } = setup()
    const r = await run(prompt, 'translate')
    expect(r).toMatchObject({ state: 'applied', detectedLanguage: lang, targetLanguage: 'zh', translated: zh, tokens: 70 })
    expect(r.enhanced).toBeUndefined()
    // The exact protocol: one non-streaming call with the model, a system and a user message, and the token cap.
    expect(chat.requests).toHaveLength(1)
    expect(chat.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'qwen2.5:7b', stream: false, max_tokens: 300 } })
    expect(chat.requests[0]!.headers.authorization).toBe(`Bearer ${chat.apiKey}`)
    expect((chat.requests[0]!.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1)).toEqual({ role: 'user', content: prompt })
  })

  it('does not call the LLM to translate a prompt already in the channel language', async () => {
    const { run } = setup()
    const r = await run('黄昏时分，一只红狐狸在雪林中奔跑', 'translate')
    expect(r).toMatchObject({ state: 'unchanged', summary: 'unchanged (already zh)' })
    expect(chat.requests).toHaveLength(0)
  })

  it('enhance translates, then enriches with the video instruction, and keeps both', async () => {
    const { run } = setup()
    const r = await run('夕暮れの雪の森を走る赤いキツネ、2匹、文字なし', 'enhance')
    expect(r.state).toBe('applied')
    expect(r.summary).toBe('applied (translated, enhanced)')
    expect(r.enhanced).toBe('黄昏时分，2只红狐狸在雪林中奔跑，不要文字。镜头缓慢推进，柔和的暮光，电影质感，节奏舒缓')
    const system = (chat.requests[1]!.body as { messages: Array<{ content: string }> }).messages[0]!.content
    expect(system).toMatch(/subject.*action.*camera movement.*lighting.*style.*pacing/)
  })

  it('image prompts get the composition and materials instruction', async () => {
    const { run } = setup()
    await run('A copper teapot on a slate table', 'enhance', null, 'image')
    const system = (chat.requests[0]!.body as { messages: Array<{ content: string }> }).messages[0]!.content
    expect(system).toMatch(/composition.*materials/)
  })

  it('a lossy enhancement is caught and the prompt falls back', async () => {
    const { run } = setup()
    chat.script({ content: 'A cinematic shot of a woman with a phone and some cats' })
    const r = await run('A portrait of Maria holding an iPhone 15 with 3 cats, no text', 'enhance', null)
    expect(r.state).toBe('fallback')
    expect(r.summary).toMatch(/^fallback \(enhancement lost number "15", number "3", name "Maria", name "iPhone", negative "no text"\)$/)
    expect(r.enhanced).toBeUndefined()
  })

  it('a lossy enhancement after a good translation keeps the translation', async () => {
    const { run } = setup()
    chat.script({ content: '黄昏时分，2只红狐狸在雪林中奔跑，不要文字' })
    chat.script({ content: '红狐狸在雪林中奔跑，电影质感' })
    const r = await run('夕暮れの雪の森を走る赤いキツネ、2匹、文字なし', 'enhance')
    expect(r).toMatchObject({ state: 'applied', translated: '黄昏时分，2只红狐狸在雪林中奔跑，不要文字' })
    expect(r.summary).toMatch(/enhancement skipped: enhancement lost number "2"/)
  })

  it('a translation that drops a quoted text falls back to the original', async () => {
    const { run } = setup()
    chat.script({ content: '一个写着欢迎的招牌' })
    const r = await run('A sign that reads "WELCOME HOME"', 'translate')
    expect(r).toMatchObject({ state: 'fallback', summary: 'fallback (translation lost quote "WELCOME HOME")' })
  })

  it.each([
    ['server-error', 'fallback (llm error (HTTP 500))'],
    ['unauthorized', 'fallback (llm error (HTTP 401))'],
    ['refusal', 'fallback (llm refused)'],
    ['content-filter', 'fallback (llm refused)'],
    ['truncated', 'fallback (llm answer truncated (maxTokens))'],
    ['malformed', 'fallback (llm error (malformed answer))'],
    ['reset', 'fallback (llm error (connection))'],
  ] as const)('an LLM %s never fails: the original prompt stands and the record says why', async (reply, summary) => {
    const { run } = setup()
    chat.script(reply)
    const r = await run('A red fox runs through snowy woods at dusk, no text', 'translate')
    expect(r).toMatchObject({ state: 'fallback', summary, original: 'A red fox runs through snowy woods at dusk, no text' })
  })

  it('a slow answer is cut off at the channel timeout', async () => {
    const { run } = setup({ timeoutMs: 150 })
    chat.script({ slowMs: 2_000 })
    const r = await run('A red fox runs through snowy woods at dusk, no text', 'translate')
    expect(r).toMatchObject({ state: 'fallback', summary: 'fallback (llm timeout (150 ms))' })
    expect(r.latencyMs).toBeLessThan(2_000)
  })

  it('a 429 keeps calls off the channel until its Retry-After has passed (on the injected clock)', async () => {
    const { run, llm } = setup()
    chat.script('rate-limited', { retryAfterSec: 30 })
    expect((await run('A red fox runs through snowy woods at dusk, no text', 'translate')).summary).toBe('fallback (llm rate limited)')
    expect(llm.health().state).toBe('rate-limited')
    expect((await run('A red fox runs through snowy woods at dusk, no text', 'translate')).summary).toBe('fallback (llm rate limited)')
    expect(chat.requests).toHaveLength(1)
    clock.advance(30_000)
    expect((await run('A red fox runs through snowy woods at dusk, no text', 'translate')).state).toBe('applied')
    expect(llm.health().state).toBe('closed')
  })

  it('repeated errors open the breaker: later jobs skip the LLM until it cools down', async () => {
    const { run, llm } = setup()
    chat.script('unavailable', { times: 3 })
    for (let i = 0; i < 3; i++) await run('A red fox runs through snowy woods at dusk, no text', 'translate')
    expect(llm.health().state).toBe('open')
    expect((await run('A red fox runs through snowy woods at dusk, no text', 'translate')).summary).toBe('fallback (llm unavailable (circuit open))')
    expect(chat.requests).toHaveLength(3)
    clock.advance(30_000)
    expect((await run('A red fox runs through snowy woods at dusk, no text', 'translate')).state).toBe('applied')
  })

  it('never has more calls in flight than maxConcurrent; the others wait their turn', async () => {
    const { run } = setup({ maxConcurrent: 1 })
    chat.script({ slowMs: 150 })
    const prompts = ['A red fox runs through snowy woods at dusk, no text', 'Un zorro rojo corre por el bosque nevado, sin texto']
    const results = await Promise.all(prompts.map((p) => run(p, 'translate')))
    expect(results.map((r) => r.state)).toEqual(['applied', 'applied'])
    expect(chat.requests).toHaveLength(2)
    expect(chat.maxInFlight).toBe(1)
  })

  it('each step can be switched off', async () => {
    const { run } = setup({ steps: { translate: false } })
    const r = await run('A copper teapot, no text', 'enhance')
    expect(r).toMatchObject({ state: 'applied', summary: 'applied (enhanced)' })
    expect(r.translated).toBeUndefined()
    const { run: noEnhance } = setup({ steps: { enhance: false } })
    expect((await noEnhance('A red fox runs through snowy woods at dusk, no text', 'enhance')).summary).toBe('applied (translated)')
  })
})
