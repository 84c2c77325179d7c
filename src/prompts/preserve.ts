/**
 * What a translation or enhancement of a prompt must keep: numbers, quoted text, names and other
 * Latin-script tokens, and negative instructions. Losing any of these changes what the customer
 * asked for, so the pipeline falls back to the text before the step when this check fails.
 */

export interface PromptFacts {
  numbers: string[]
  quotes: string[]
  /** Names, brands and codes that must appear verbatim (case-insensitively). */
  names: string[]
  /** Negative phrases ("no text", "without people", "不要文字"): marker plus what it forbids. */
  negatives: string[]
}

/** Full-width digits and letters, compatibility forms, case: compare on one form. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ')
}

const QUOTES = /"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』|«([^»]+)»|„([^“”]+)[“”]/g
// Markers that forbid something, per language the pipeline meets; the word after a Latin marker is what is forbidden.
const LATIN_NEGATIVE = /\b(no|not|without|never|avoid|don't|do not|sin|sans|pas de|kein|keine|ohne)\s+([\p{L}\d][\p{L}\d'-]*)/giu
const CJK_NEGATIVE = /(不要|无|無|别|別|勿|不能|不得|没有|無し|なし|禁止|避免|しないで|ないで|없이|없는|말고|금지|않)/gu
const LATIN_WORD = /[A-Za-z][A-Za-z0-9'’.+-]*[A-Za-z0-9]|[A-Za-z]/g
// Sentence-initial capitals are ordinary words; these are too common to be names anywhere.
const STOP = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'to', 'with', 'i'])

export function extractFacts(text: string): PromptFacts {
  const n = text.normalize('NFKC')
  const numbers = [...n.matchAll(/\d+(?:[.,:/x×]\d+)*/g)].map((m) => m[0])
  const quotes = [...n.matchAll(QUOTES)].map((m) => (m.slice(1).find((g) => g !== undefined) ?? '').trim()).filter(Boolean)
  const negatives = [...[...n.matchAll(LATIN_NEGATIVE)].map((m) => `${m[1]} ${m[2]}`), ...[...n.matchAll(CJK_NEGATIVE)].map((m) => m[0])]
  const latinShare = (n.match(/[A-Za-z]/g)?.length ?? 0) / Math.max(1, n.replace(/[\s\d\p{P}]/gu, '').length)
  const names: string[] = []
  // Quoted text is checked whole; its words are not names of their own.
  const unquoted = n.replace(QUOTES, ' ')
  for (const m of unquoted.matchAll(LATIN_WORD)) {
    const word = m[0]
    if (STOP.has(word.toLowerCase())) continue
    if (latinShare < 0.5) {
      // In Chinese, Japanese or Korean text every Latin token is a name, brand or code.
      names.push(word)
      continue
    }
    const before = unquoted.slice(0, m.index).trimEnd()
    const sentenceStart = before === '' || /[.!?:;\n]$/.test(before)
    const capitalised = /^[A-Z]/.test(word) && !sentenceStart
    const code = /[A-Z].*[A-Z]|[a-z][A-Z]|\d/.test(word) // GPT, iPhone, 4K
    if (capitalised || code) names.push(word)
  }
  return { numbers, quotes, names, negatives }
}

export interface Loss {
  kind: 'number' | 'quote' | 'name' | 'negative'
  value: string
}

/**
 * What `after` lost of `before`. Across languages, negatives are counted (a translation says
 * "no" in its own words); within one language each negative phrase must survive.
 */
export function lostFacts(before: string, after: string, sameLanguage: boolean): Loss[] {
  const f = extractFacts(before)
  const a = normalise(after)
  const lost: Loss[] = []
  const missing = (kind: Loss['kind'], values: string[]) => {
    for (const v of values) if (!a.includes(normalise(v))) lost.push({ kind, value: v })
  }
  missing('number', f.numbers)
  missing('quote', f.quotes)
  missing('name', f.names)
  if (sameLanguage) missing('negative', f.negatives)
  else if (f.negatives.length > extractFacts(after).negatives.length) lost.push({ kind: 'negative', value: f.negatives.join(', ') })
  return lost
}

/** One line for the job record: `number "3", negative "no text"`. */
export function describeLoss(lost: Loss[]): string {
  return lost
    .slice(0, 5)
    .map((l) => `${l.kind} "${l.value}"`)
    .join(', ')
}
