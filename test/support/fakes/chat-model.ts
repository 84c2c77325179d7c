/** A deterministic stand-in for the LLM: a phrase book for translation, fixed additions for enhancement. */
export const PHRASES: Record<string, string> = {
  'A red fox runs through snowy woods at dusk, no text': '黄昏时分，一只红狐狸在雪林中奔跑，不要文字',
  '夕暮れの雪の森を走る赤いキツネ、2匹、文字なし': '黄昏时分，2只红狐狸在雪林中奔跑，不要文字',
  '해질녘 눈 덮인 숲을 달리는 붉은 여우 3마리': '黄昏时分，3只红狐狸在雪林中奔跑',
  'Un zorro rojo corre por el bosque nevado, sin texto': '一只红狐狸在雪林中奔跑，不要文字',
}

export function fakeModel(system: string, user: string): string {
  if (system.startsWith('Translate')) return PHRASES[user] ?? `[untranslated] ${user}`
  if (/[\p{Script=Han}]/u.test(user)) return `${user}。镜头缓慢推进，柔和的暮光，电影质感，节奏舒缓`
  return `${user}. Slow dolly-in, soft dusk light, cinematic style, calm pacing`
}
