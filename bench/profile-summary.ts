/**
 * Summarizes a V8 `.cpuprofile` (from `--cpu-prof`): self time by function and by file, and
 * inclusive time of the heaviest frames.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs'
import { isMain } from './common.js'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

export function summarize(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const short = (u: string) => u.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'nm:').replace(/.*\/(src|bench|test)\//, '$1/')
  const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)
  const selfFn = new Map<string, number>()
  const selfFile = new Map<string, number>()
  const incl = new Map<string, number>()
  for (const [id, t] of self) {
    const n = byId.get(id)!
    add(selfFn, label(n), t)
    add(selfFile, short(n.callFrame.url) || `(${n.callFrame.functionName})`, t)
    // Inclusive: each distinct frame once per sampled stack.
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!)
      if (!seen.has(l)) {
        seen.add(l)
        add(incl, l, t)
      }
    }
  }
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n')
  return [`sampled ${(total / 1e6).toFixed(1)} s`, '--- self by function', fmt(selfFn), '--- self by file', fmt(selfFile), '--- inclusive', fmt(incl)].join('\n')
}

if (isMain(import.meta.url)) {
  const file = process.argv[2]
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]')
  console.log(summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)))
}
