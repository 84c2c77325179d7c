import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const WEB = path.resolve(import.meta.dirname, '../../web/src')
const LOCALES = ['en', 'nl', 'zh'] as const
const catalog = (l: string) => JSON.parse(readFileSync(path.join(WEB, 'locales', `${l}.json`), 'utf8')) as Record<string, string>
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

/** Every message key the dashboard's source names; keys built at run time (`status.${s}`) are checked by the typecheck. */
function keysInSource(): Set<string> {
  const keys = new Set<string>()
  for (const f of readdirSync(WEB, { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(f)) continue
    const text = readFileSync(path.join(WEB, f), 'utf8')
    for (const m of text.matchAll(/\bt\(\s*'([\w.]+)'/g)) keys.add(m[1]!)
    // Keys named in tables (nav entries, labels by value): quoted words with a dot in a section.
    for (const m of text.matchAll(/'((?:nav|play|team|op|status|jobs)\.[\w.]+)'/g)) keys.add(m[1]!)
  }
  return keys
}

describe('dashboard locales', () => {
  const en = catalog('en')

  it.each(LOCALES.filter((l) => l !== 'en'))('%s has every English key, no others, and the same placeholders', (l) => {
    const other = catalog(l)
    expect(
      Object.keys(other).filter((k) => !(k in en)),
      `keys ${l} has that English lacks`,
    ).toEqual([])
    expect(
      Object.keys(en).filter((k) => !(k in other)),
      `keys missing in ${l}`,
    ).toEqual([])
    for (const [k, v] of Object.entries(other)) {
      expect(v.trim(), `${l}:${k} is empty`).not.toBe('')
      expect(placeholders(v), `${l}:${k} placeholders`).toEqual(placeholders(en[k]!))
    }
  })

  it('has an English message for every key the source uses', () => {
    const missing = [...keysInSource()].filter((k) => !(k in en))
    expect(missing).toEqual([])
  })

  it('is translated: Dutch and Chinese differ from English for most messages', () => {
    for (const l of ['nl', 'zh']) {
      const other = catalog(l)
      const same = Object.keys(en).filter((k) => other[k] === en[k])
      // Product names and short technical words (Webhook, Team, Menu) may read the same.
      expect(same.length / Object.keys(en).length, `${l}: ${same.join(', ')}`).toBeLessThan(0.15)
    }
  })
})
