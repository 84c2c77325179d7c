import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import { createHarness, type Harness } from '../../support/harness.js'
import { DIALECTS } from '../../../src/api/dialects/index.js'

type Doc = { paths: Record<string, Record<string, { operationId?: string; tags: string[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> }

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => {
  await h.close()
})

const documents = ['/openapi.json', ...DIALECTS.map((d) => `/openapi/${d.name}.json`)]

describe('the OpenAPI documents', () => {
  it.each(documents)('%s has no redocly lint errors or warnings (recommended rules)', async (url) => {
    const res = await h.app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    const config = await createConfig({ extends: ['recommended'] })
    const problems = await lintFromString({ source: res.body, absoluteRef: `http://localhost${url}`, config })
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).toEqual([])
  })

  it('every operation has a unique operationId, and every answer a schema', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Doc
    const ids: string[] = []
    const missing: string[] = []
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        ids.push(op.operationId ?? `(none: ${method} ${path})`)
        for (const [code, r] of Object.entries(op.responses)) {
          const schemas = Object.values(r.content ?? {}).map((c) => c.schema)
          if (schemas.length === 0 || schemas.some((s) => s === undefined)) missing.push(`${method.toUpperCase()} ${path} ${code}`)
        }
      }
    }
    expect(missing).toEqual([])
    expect(ids.filter((id) => id.startsWith('(none'))).toEqual([])
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('every registered route declares a response schema for each success status', () => {
    const lacking = h.app.openApiOperations.flatMap((op) => {
      const success = Object.entries(op.responses).filter(([code]) => Number(code) < 400)
      if (success.length === 0) return [`${op.method} ${op.url}: no success response`]
      return success.filter(([, r]) => !r.schema).map(([code]) => `${op.method} ${op.url} ${code}`)
    })
    expect(lacking).toEqual([])
  })

  it('a dialect document holds only that dialect, and the combined one holds every dialect', async () => {
    const all = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Doc
    let total = 0
    for (const d of DIALECTS) {
      const doc = (await h.app.inject({ method: 'GET', url: `/openapi/${d.name}.json` })).json() as Doc
      const ops = Object.values(doc.paths).flatMap((p) => Object.values(p))
      expect(ops.length, d.name).toBeGreaterThan(0)
      expect(new Set(ops.map((op) => op.tags[0])), d.name).toEqual(new Set([d.name]))
      total += ops.length
    }
    // Routes outside the dialects (account, admin, billing) are in the combined document only.
    expect(Object.values(all.paths).flatMap((p) => Object.values(p)).length).toBeGreaterThanOrEqual(total)
  })

  it('an unknown document is a 404 naming the ones there are', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/openapi/sora.json' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.message).toContain('native.json')
  })
})
