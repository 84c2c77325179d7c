import { createHash, randomBytes } from 'node:crypto'

// Crockford base32: no I, L, O or U, so a code read aloud or retyped cannot be misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const GROUPS = 4
const GROUP_LEN = 4

/** A new code, `RLY-XXXX-XXXX-XXXX-XXXX`: 80 random bits, far beyond guessing by brute force. */
export function newRedeemCode(): string {
  const bytes = randomBytes(GROUPS * GROUP_LEN)
  const chars = [...bytes].map((b) => ALPHABET[b & 31]!)
  const groups: string[] = []
  for (let g = 0; g < GROUPS; g++) groups.push(chars.slice(g * GROUP_LEN, (g + 1) * GROUP_LEN).join(''))
  return `RLY-${groups.join('-')}`
}

/**
 * What a customer typed, reduced to the code's characters: case, spaces and dashes do not
 * matter, and the look-alikes Crockford folds (O→0, I/L→1) are read as meant. Null when it cannot
 * be a code at all.
 */
export function normalizeRedeemCode(text: string): string | null {
  let s = text.toUpperCase().replace(/[\s-]/g, '')
  if (s.startsWith('RLY')) s = s.slice(3)
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1')
  if (s.length !== GROUPS * GROUP_LEN || ![...s].every((c) => ALPHABET.includes(c))) return null
  return s
}

/** Only this is stored: a leaked database gives no usable code. */
export function hashRedeemCode(normalized: string): string {
  return createHash('sha256').update(`reelay-redeem:${normalized}`).digest('hex')
}

/** The first group, kept beside the hash so an operator can tell codes of a batch apart. */
export function codePrefix(normalized: string): string {
  return normalized.slice(0, GROUP_LEN)
}
