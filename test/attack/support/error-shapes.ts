import { readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Each dialect's error body as its document states it (docs/errors.md and docs/api/*.md), written
 * out here rather than imported from the formatters, so a formatter that drifts from its document
 * is caught. Every checker returns the list of problems (empty when the body is in shape).
 */

export type DialectName = 'native' | 'tasks' | 'jobs' | 'open' | 'openai'

const root = path.resolve(import.meta.dirname, '../../..')

/** `code → HTTP status` from the first table of a document's section ("| `code` | 400 |" rows). */
function documentedCodes(doc: string, section: string): Map<string, number> {
  const text = readFileSync(path.join(root, doc), 'utf8')
  const part = text.split(/^## /m).find((s) => s.startsWith(section)) ?? ''
  const codes = new Map<string, number>()
  for (const m of part.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)) codes.set(m[1]!, Number(m[2]))
  if (codes.size === 0) throw new Error(`${doc}: no error table under "## ${section}"`)
  return codes
}
/** The native and jobs codes. */
const CODES = documentedCodes('docs/errors.md', 'HTTP errors')
/** docs/api/tasks.md: "Codes and statuses are exactly the 001 table". */
const TASK_CODES = documentedCodes('docs/api/tasks.md', 'Errors')

/** docs/api/openai.md: the `type` each HTTP status carries. */
const OPENAI_TYPES: Record<number, string[]> = {
  400: ['invalid_request_error'],
  401: ['authentication_error'],
  403: ['permission_error'],
  404: ['invalid_request_error'],
  408: ['invalid_request_error'],
  409: ['invalid_request_error'],
  410: ['invalid_request_error'],
  413: ['invalid_request_error'],
  414: ['invalid_request_error'],
  415: ['invalid_request_error'],
  417: ['invalid_request_error'],
  431: ['invalid_request_error'],
  429: ['insufficient_quota', 'requests'],
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => typeof v === 'string' && v.length > 0

function common(out: string[], e: Record<string, unknown>, status: number, codeStatus: number | undefined): void {
  if (!str(e.message)) out.push('message is not a non-empty string')
  if (codeStatus === undefined) out.push(`code ${String(e.code)} is not documented`)
  else if (codeStatus !== status) out.push(`code ${String(e.code)} is documented as ${codeStatus}, answered ${status}`)
  if ('field' in e && !str(e.field)) out.push('field is present but not a non-empty string')
}

/** Problems with an error answer of `dialect`; `requestId` is the `x-request-id` header. */
export function errorShapeProblems(dialect: DialectName, status: number, body: unknown, requestId: string | undefined): string[] {
  const out: string[] = []
  if (!str(requestId)) out.push('no x-request-id header')
  if (!isObj(body)) return [...out, `body is not a JSON object: ${JSON.stringify(body)?.slice(0, 200)}`]
  switch (dialect) {
    case 'native': {
      // { ok:false, error:{ code, message, requestId, field? } }
      if (body.ok !== false) out.push('ok is not false')
      if (!isObj(body.error)) return [...out, 'error is not an object']
      common(out, body.error, status, CODES.get(String(body.error.code)))
      if (body.error.requestId !== requestId) out.push('error.requestId differs from x-request-id')
      break
    }
    case 'tasks': {
      // { error:{ code, message, requestId, field? } } with the 001 codes and statuses only.
      if (!isObj(body.error)) return [...out, 'error is not an object']
      common(out, body.error, status, TASK_CODES.get(String(body.error.code)))
      if (body.error.requestId !== requestId) out.push('error.requestId differs from x-request-id')
      break
    }
    case 'jobs': {
      // { error: string, code, status, requestId, field? }
      if (!str(body.error)) out.push('error is not a readable string')
      common(out, { ...body, message: body.error }, status, CODES.get(String(body.code)))
      if (body.status !== status) out.push(`status field ${String(body.status)} differs from HTTP ${status}`)
      if (body.requestId !== requestId) out.push('requestId differs from x-request-id')
      break
    }
    case 'open': {
      // { success:false, error:{ code, message, field? } }; our concurrency_limited reads rate_limited.
      if (body.success !== false) out.push('success is not false')
      if (!isObj(body.error)) return [...out, 'error is not an object']
      const code = String(body.error.code)
      common(out, body.error, status, code === 'concurrency_limited' ? undefined : CODES.get(code))
      if (code === 'unauthorized' && body.error.message !== 'Invalid API key') out.push('a 401 does not read "Invalid API key"')
      break
    }
    case 'openai': {
      // { error:{ message, type, param, code } }; param and code may be null.
      if (!isObj(body.error)) return [...out, 'error is not an object']
      const e = body.error
      if (!str(e.message)) out.push('message is not a non-empty string')
      for (const k of ['param', 'code'] as const) if (!(k in e) || (e[k] !== null && !str(e[k]))) out.push(`${k} is not a string or null`)
      const types = status >= 500 ? ['server_error'] : OPENAI_TYPES[status]
      if (!types) out.push(`status ${status} is not in the documented table`)
      else if (!types.includes(String(e.type))) out.push(`type ${String(e.type)} does not go with ${status}`)
      break
    }
  }
  return out
}
