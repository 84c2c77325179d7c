import { createHash } from 'node:crypto'

/** A small deterministic PRNG (sfc32) seeded from sha256 of the parts. */
export function seededRandom(...parts: Array<string | number>): () => number {
  // NUL separators so ("a1", 2) and ("a", 12) hash differently.
  const h = createHash('sha256').update(parts.map(String).join('\u0000')).digest()
  let a = h.readUInt32BE(0)
  let b = h.readUInt32BE(4)
  let c = h.readUInt32BE(8)
  let d = h.readUInt32BE(12)
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    const t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    const r = (t + d) | 0
    c = (c + r) | 0
    return (r >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next() // warm up
  return next
}

/** HSV (all in [0,1]) → [r, g, b] bytes. */
export function hsv(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6) % 6
  const f = h * 6 - Math.floor(h * 6)
  const p = v * (1 - s)
  const q = v * (1 - f * s)
  const t = v * (1 - (1 - f) * s)
  const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i] ?? [v, v, v]
  return [Math.round(rgb[0]! * 255), Math.round(rgb[1]! * 255), Math.round(rgb[2]! * 255)]
}

export const hex = ([r, g, b]: [number, number, number]): string =>
  '0x' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')
