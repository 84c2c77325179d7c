import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../../support/harness.js'
import { DIALECTS } from '../../../src/api/dialects/index.js'
import { toDialectId } from '../../../src/api/dialects/id-forms.js'
import { AppError } from '../../../src/errors.js'
import type { Dialect } from '../../../src/api/dialect.js'
import type { OpenApiOperation } from '../../../src/api/route.js'

/**
 * The checks every route gets for free, driven by the operations the app registered (unkey's
 * runCommonRouteTests): a route added tomorrow is covered without anyone editing a list.
 */

let h: Harness
let owner: Awaited<ReturnType<Harness['customer']>>
let other: Awaited<ReturnType<Harness['customer']>>
let jobId: string

beforeAll(async () => {
  h = await createHarness()
  owner = await h.customer(10_000)
  other = await h.customer(10_000)
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/videos/generate',
    headers: { ...owner.auth, 'idempotency-key': 'contract-owner-video' },
    payload: { prompt: 'a lantern swaying in the wind', duration: 5 },
  })
  expect(res.statusCode).toBe(202)
  jobId = res.json().jobId
})
afterAll(async () => {
  await h.close()
})

const byName = new Map<string, Dialect>(DIALECTS.map((d) => [d.name, d]))
const dialectOf = (op: OpenApiOperation) => byName.get(op.dialect) ?? byName.get('native')!

/** Path parameters and query fields that name a job in the dialect's id form. */
function idFields(op: OpenApiOperation): { params: string[]; query: string[] } {
  const keys = (s: unknown) => Object.keys((s as { shape?: Record<string, unknown> } | undefined)?.shape ?? {})
  return { params: keys(op.params), query: keys(op.query).filter((k) => k === 'id' || /Id$/.test(k)) }
}

/** The request for `op`, every id field set to `id`. */
function requestFor(op: OpenApiOperation, id: string, headers: Record<string, string>) {
  const { params, query } = idFields(op)
  let url = op.url
  for (const p of params) url = url.replace(`:${p}`, encodeURIComponent(id))
  const qs = query.map((q) => `${q}=${encodeURIComponent(id)}`).join('&')
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE'
  return {
    method: op.method as 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: qs ? `${url}?${qs}` : url,
    headers: { ...headers, ...(op.idempotency === 'none' ? {} : { 'idempotency-key': `contract-${op.operationId}` }) },
    ...(hasBody ? { payload: {} } : {}),
  }
}

const authenticated = () => h.app.openApiOperations.filter((op) => !op.public)
const unauthorized = (d: Dialect) => d.formatError(new AppError('unauthorized'), 'req_x').status

describe('every authenticated route', () => {
  it('is refused without a key, in its dialect’s shape, before any work', async () => {
    expect(authenticated().length).toBeGreaterThan(20)
    for (const op of authenticated()) {
      const d = dialectOf(op)
      const res = await h.app.inject(requestFor(op, jobId, {}))
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(unauthorized(d))
      expect(d.errorSchema.safeParse(res.json()).success, `${op.method} ${op.url}: ${res.body}`).toBe(true)
      expect(res.headers['x-request-id']).toBeTruthy()
    }
  })

  it('is refused with a key that does not exist', async () => {
    for (const op of authenticated()) {
      const d = dialectOf(op)
      const res = await h.app.inject(requestFor(op, jobId, { authorization: 'Bearer sk_live_not_a_key_of_anyone' }))
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(unauthorized(d))
      expect(d.errorSchema.safeParse(res.json()).success, `${op.method} ${op.url}: ${res.body}`).toBe(true)
    }
  })

  it('never shows or touches another tenant’s job, whatever the id form', async () => {
    const withIds = authenticated().filter((op) => byName.has(op.dialect) && (idFields(op).params.length > 0 || idFields(op).query.length > 0))
    expect(withIds.length).toBeGreaterThan(10)
    for (const op of withIds) {
      const d = dialectOf(op)
      for (const id of new Set([jobId, d.idPrefix ? toDialectId(jobId, d.idPrefix) : jobId])) {
        const res = await h.app.inject(requestFor(op, id, other.auth))
        expect([403, 404], `${op.method} ${op.url} ${id}: ${res.statusCode} ${res.body}`).toContain(res.statusCode)
        expect(d.errorSchema.safeParse(res.json()).success, `${op.method} ${op.url}: ${res.body}`).toBe(true)
        expect(res.body).not.toContain('lantern')
      }
    }
    // Nothing above cancelled, deleted or redelivered the owner's job.
    const mine = await h.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: owner.auth })
    expect(mine.json()).toMatchObject({ jobId, status: 'queued' })
  })
})

describe('every public route', () => {
  it('answers without a key', async () => {
    const open = h.app.openApiOperations.filter((op) => op.public && op.method === 'GET' && !op.params)
    expect(open.length).toBeGreaterThan(0)
    for (const op of open) {
      const res = await h.app.inject({ method: 'GET', url: op.url })
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(200)
    }
  })
})
