import { sql } from 'kysely'
import { errorShapeProblems, type DialectName } from './error-shapes.js'
import type { Store } from '../../../src/store/db.js'

/**
 * What every fuzzed answer must satisfy, shared by the in-process and the socket fuzzers: no
 * 5xx, an error body in the calling dialect's shape with `x-request-id`, and nothing charged
 * for a rejected request.
 */

export interface Answer {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
}

export interface Probe {
  method: string
  url: string
  kind: string
}

/**
 * Defects of issue 12 that other branches fix. A failure matching one is counted, not failed;
 * delete an entry once its fix is merged, and the fuzzer holds the line from then on.
 */
export const KNOWN_UNTIL_MERGED: { item: number; what: string; matches(p: Probe, a: Answer, problems: string[]): boolean }[] = [
]

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const header = (a: Answer, name: string) => {
  const v = a.headers[name]
  return Array.isArray(v) ? v[0] : v === undefined ? undefined : String(v)
}

/**
 * Problems with one answer, which may be in the shape of any of `dialects` (null: a route of no
 * dialect). An answer the API documents as success-while-running (OpenAI's 504
 * `generation_pending`, whose job goes on and is charged) is not an error.
 */
export function answerProblems(dialects: (DialectName | null)[], a: Answer): string[] {
  const body = parseJson(a.body)
  const requestId = header(a, 'x-request-id')
  if (dialects.includes('openai') && a.status === 504 && (body as { error?: { code?: string } })?.error?.code === 'generation_pending') return []
  const out: string[] = []
  if (a.status >= 500) out.push(`answered ${a.status}`)
  if (a.status < 400) return out
  const each = dialects.map((d) => (d === null ? (requestId ? [] : ['no x-request-id header']) : errorShapeProblems(d, a.status, body, requestId)))
  const fewest = each.reduce((x, y) => (y.length < x.length ? y : x))
  return [...out, ...fewest.map((p) => (dialects.length > 1 ? `${p} (as ${dialects.join(' or ')})` : p))]
}

/** A rejected answer: nothing may have been recorded or charged for it. */
export function isRejected(a: Answer): boolean {
  return a.status >= 400 && !(a.status === 504 && a.body.includes('"generation_pending"'))
}

/** Everything a request could have charged or recorded: account counters, entries, jobs, keys. */
export async function chargeSnapshot(store: Store): Promise<string> {
  const accounts = await store.db.selectFrom('accounts').select(['id', 'balance', 'reserved']).orderBy('id').execute()
  const counts = await sql<{ e: number; j: number; k: number }>`select (select count(*) from ledger_entries) as e, (select count(*) from jobs) as j, (select count(*) from idempotency_keys) as k`.execute(store.db)
  const c = counts.rows[0]!
  return JSON.stringify({ accounts: accounts.map((x) => [x.id, String(x.balance), String(x.reserved)]), e: Number(c.e), j: Number(c.j), k: Number(c.k) })
}

/** Which known defect explains these problems, if any. */
export function knownDefect(p: Probe, a: Answer, problems: string[]): number | null {
  return KNOWN_UNTIL_MERGED.find((k) => k.matches(p, a, problems))?.item ?? null
}
