import { describe, expect, it } from 'vitest'
import { detectLanguage } from '../../src/prompts/detect.js'
import { extractFacts, lostFacts } from '../../src/prompts/preserve.js'

describe('offline language detection', () => {
  it.each([
    ['A red fox runs through snowy woods at dusk', 'en'],
    ['夕暮れの雪の森を走る赤いキツネ', 'ja'],
    ['해질녘 눈 덮인 숲을 달리는 붉은 여우', 'ko'],
    ['Un zorro rojo corre por el bosque nevado al atardecer', 'es'],
    ['Un renard roux court dans la forêt enneigée au crépuscule', 'fr'],
    ['黄昏时分，一只红狐狸在雪林中奔跑', 'zh'],
  ])('%s → %s', async (text, lang) => {
    expect(await detectLanguage(text)).toBe(lang)
  })

  it('says "not sure" rather than guessing on a single ideograph', async () => {
    expect(await detectLanguage('猫')).toBeNull()
  })
})

describe('the entity-preservation check', () => {
  const original = 'A close-up of Maria holding an iPhone 15, a sign reading "OPEN 24 HOURS", 3 cats, no text overlay, without people'

  it('finds the numbers, quotes, names and negative instructions', () => {
    const f = extractFacts(original)
    expect(f.numbers).toEqual(['15', '24', '3'])
    expect(f.quotes).toEqual(['OPEN 24 HOURS'])
    expect(f.names).toEqual(expect.arrayContaining(['Maria', 'iPhone']))
    expect(f.names).not.toContain('A')
    expect(f.negatives).toEqual(['no text', 'without people'])
  })

  it('passes a faithful enhancement', () => {
    const enhanced = `${original}. Slow dolly-in, warm tungsten lighting, cinematic style, calm pacing.`
    expect(lostFacts(original, enhanced, true)).toEqual([])
  })

  it('catches a lossy enhancement: a dropped number, a changed quote, a lost name and a lost negative', () => {
    const lossy = 'A cinematic close-up of a woman holding a phone, a neon sign reading "OPEN ALL NIGHT", cats, without people, soft light'
    const lost = lostFacts(original, lossy, true).map((l) => `${l.kind}:${l.value}`)
    expect(lost).toEqual(expect.arrayContaining(['number:15', 'number:3', 'quote:OPEN 24 HOURS', 'name:Maria', 'name:iPhone', 'negative:no text']))
    expect(lost).not.toContain('negative:without people')
  })

  it('across languages, numbers, quotes and Latin names must survive and negatives are counted', () => {
    const ja = '東京タワーの前で「さくら」と書かれた看板、猫が2匹、文字なし、Nikon で撮影'
    const good = 'In front of Tokyo Tower, a sign reading "さくら", 2 cats, no text, shot on Nikon'
    expect(lostFacts(ja, good, false)).toEqual([])
    const bad = 'In front of Tokyo Tower, a sign, two cats, shot on a camera'
    expect(lostFacts(ja, bad, false).map((l) => l.kind).sort()).toEqual(['name', 'negative', 'number', 'quote'])
  })

  it('compares on normalised text: full-width digits and case do not count as a loss', () => {
    expect(lostFacts('一只猫，３只狗，不要文字', '一只猫，3只狗，不要出现文字', true)).toEqual([])
    expect(lostFacts('a shot of Paris at night', 'A SHOT OF PARIS AT NIGHT', true)).toEqual([])
  })
})
