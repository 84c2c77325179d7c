import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPromptConfig, resolvePromptMode } from '../../src/prompts/prompt-config.js'

function file(content: object): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'prompt-config-')), 'channels.json')
  writeFileSync(f, JSON.stringify({ channels: [], ...content }))
  return f
}

describe('the llm and prompts sections of the channel file', () => {
  it('no file or no llm section: no LLM channel, every default', () => {
    expect(loadPromptConfig(undefined, {}).llm).toBeNull()
    const c = loadPromptConfig(file({}), {})
    expect(c.llm).toBeNull()
    expect(c.settings).toMatchObject({ defaultMode: 'translate', steps: { detect: true, translate: true, enhance: true } })
  })

  it('an Ollama channel needs no key; the key comes from the environment when named', () => {
    expect(loadPromptConfig(file({ llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b' } }), {}).llm).toMatchObject({ apiKey: '', timeoutMs: 8_000, maxConcurrent: 4, maxTokens: 600 })
    const f = file({ llm: { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_KEY', model: 'gpt-4o-mini' } })
    expect(loadPromptConfig(f, { OPENAI_KEY: 'sk-1' }).llm?.apiKey).toBe('sk-1')
    expect(() => loadPromptConfig(f, {})).toThrow(/llm: environment variable OPENAI_KEY is empty/)
  })

  it('refuses bad values and a timeout the job lease cannot cover, naming the field', () => {
    expect(() => loadPromptConfig(file({ llm: { baseUrl: 'not a url', model: 'm' } }), {})).toThrow(/llm\.baseUrl/)
    expect(() => loadPromptConfig(file({ prompts: { defaultMode: 'loud' } }), {})).toThrow(/prompts\.defaultMode/)
    expect(() => loadPromptConfig(file({ llm: { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 70_000 } }), {}, 120_000)).toThrow(/llm\.timeoutMs: must be under half of REELAY_LEASE_MS/)
  })

  it('the mode comes from the request, then the account, then the plan, then the model, then the default', () => {
    const s = loadPromptConfig(file({ prompts: { defaultMode: 'translate', modeByPlan: { pro: 'enhance' }, modeByModel: { 'gpt-image-2': 'raw' } } }), {}).settings
    expect(resolvePromptMode(s, { request: 'raw', account: 'enhance', plan: 'pro', model: 'gpt-image-2' })).toBe('raw')
    expect(resolvePromptMode(s, { account: 'translate', plan: 'pro', model: 'gpt-image-2' })).toBe('translate')
    expect(resolvePromptMode(s, { account: null, plan: 'pro', model: 'gpt-image-2' })).toBe('enhance')
    expect(resolvePromptMode(s, { account: null, plan: 'default', model: 'gpt-image-2' })).toBe('raw')
    expect(resolvePromptMode(s, { account: null, plan: 'default', model: 'seedance-2.0' })).toBe('translate')
  })
})
