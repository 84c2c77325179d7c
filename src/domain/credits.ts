/**
 * Credits are whole numbers held in 64-bit SQL integers. Every figure the services and the API
 * handle as a JS number stays at or below the maximum balance, itself at most 2^53 − 1, so
 * each one is exact; only `doctor` reads beyond it (as BigInt) to see a corrupted counter.
 */
export const DEFAULT_MAX_BALANCE = 1_000_000_000_000_000

/**
 * Parses a credit amount typed by an operator: plain decimal digits only, no sign, no
 * exponent, hex, fraction or blank, and not past `max`. Returns the amount or why it is refused.
 */
export function parseCredits(text: string, opts: { min: number; max: number }): { ok: true; value: number } | { ok: false; reason: string } {
  const rule = `must be a whole number from ${opts.min} to ${opts.max}, written in plain digits`
  // No leading zeros either: `010` reads as 8 to some tools and as 10 to others.
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return { ok: false, reason: `${rule}; got ${JSON.stringify(text)}` }
  // BigInt first: Number() would round a long digit string to a nearby value.
  const big = BigInt(text)
  if (big < BigInt(opts.min) || big > BigInt(opts.max)) return { ok: false, reason: `${rule}; got ${text}` }
  return { ok: true, value: Number(big) }
}
