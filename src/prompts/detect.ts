type Eld = (typeof import('eld/extrasmall'))['eld']
let detector: Promise<Eld> | undefined

/**
 * The prompt's language as an ISO 639-1 code, or null when the text is too short or mixed to
 * tell. Runs offline on eld's extra-small n-gram tables (about 90 MB resident, 65 MB less than
 * `small`, with the same answers on short prompts), in well under a millisecond per prompt.
 * The tables load on the first detection, not at start: an idle server does not hold them.
 */
export async function detectLanguage(text: string): Promise<string | null> {
  const eld = await (detector ??= import('eld/extrasmall').then((m) => m.eld))
  const lang = eld.detect(text).language
  if (lang) return lang
  // One or two characters defeat n-grams; a script that only one target language writes settles it.
  if (/^[\p{Script=Hangul}\s\p{P}\d]+$/u.test(text)) return 'ko'
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja'
  return null
}

/** Whether the prompt is already in `target` (a missing detection counts as "not sure": translate). */
export function sameLanguage(detected: string | null, target: string): boolean {
  return detected !== null && detected.toLowerCase() === target.toLowerCase().split('-')[0]
}
