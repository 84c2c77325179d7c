import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { rawRequest, type RawResponse } from '../support/raw-http.js'

// Errors Node or Fastify raise before any route runs, over real sockets: each must be JSON in
// the dialect the path belongs to, with an x-request-id, never an empty body or "Client Error".
let h: Harness
let port: number
beforeAll(async () => {
  h = await createHarness()
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  port = (h.app.server.address() as AddressInfo).port
})
afterAll(() => h.close())

type Shape = 'native' | 'tasks' | 'jobs' | 'open' | 'openai'

/** The dialect's documented error body, with the code it shows for `code`. */
function expectShape(res: RawResponse, shape: Shape, code: string | null): void {
  expect(res.headers['x-request-id']).toMatch(/^[\w.:-]+$/)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = res.json()
  switch (shape) {
    case 'native':
      expect(body).toMatchObject({ ok: false, error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } })
      break
    case 'tasks':
      expect(body).toMatchObject({ error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } })
      break
    case 'jobs':
      expect(body).toMatchObject({ error: expect.any(String), code, status: res.status, requestId: res.headers['x-request-id'] })
      break
    case 'open':
      expect(body).toMatchObject({ success: false, error: { code, message: expect.any(String) } })
      break
    case 'openai':
      expect(body).toMatchObject({ error: { message: expect.any(String), type: 'invalid_request_error', code } })
      break
  }
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`

describe('framework errors', () => {
  it.each([
    ['native', '/v1/jobs/job_x', 'native', 'invalid_request'],
    ['002', '/api/v1/jobs/queryTask?taskId=x', 'jobs', 'invalid_request'],
    ['OpenAI', '/v1/videos/video_x', 'openai', 'invalid_value'],
  ] as const)('an HTTP/1.1 request without Host on the %s API (Node would send an empty 400)', async (_n, path, shape, code) => {
    const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nAuthorization: Bearer sk_live_x\r\n\r\n`)
    expect(res.status).toBe(400)
    expectShape(res, shape, code)
  })

  it.each([
    ['native', '/v1/jobs/%E0%A4%A', 'native', 400, 'invalid_request'],
    ['004', '/api/open/v1/video/generations/%E0%A4%A', 'open', 400, 'invalid_request'],
    ['OpenAI', '/v1/videos/%E0%A4%A', 'openai', 400, 'invalid_value'],
  ] as const)('a malformed percent-encoding (FST_ERR_BAD_URL) on the %s API', async (_n, path, shape, status, code) => {
    const res = await rawRequest(port, get(path))
    expect(res.status).toBe(status)
    expectShape(res, shape, code)
  })

  it.each([
    ['native', `/v1/jobs/job_${'a'.repeat(300)}`, 'native', 414, 'uri_too_long'],
    ['001 (whose table has only invalid_request for it)', `/api/v1/tasks/${'a'.repeat(300)}`, 'tasks', 400, 'invalid_request'],
    ['OpenAI', `/v1/videos/video_${'a'.repeat(300)}`, 'openai', 414, 'uri_too_long'],
  ] as const)('a path segment over the length limit (FST_ERR_MAX_PARAM_LENGTH) on the %s API', async (_n, path, shape, status, code) => {
    const res = await rawRequest(port, get(path))
    expect(res.status).toBe(status)
    expectShape(res, shape, code)
  })

  it('a client x-request-id is echoed on a framework error', async () => {
    const res = await rawRequest(port, get('/v1/jobs/%E0%A4%A', 'X-Request-Id: trace-123\r\n'))
    expect(res.headers['x-request-id']).toBe('trace-123')
    expect(res.json().error.requestId).toBe('trace-123')
  })
})

describe('protocol errors answered by Node', () => {
  it('431: headers over the limit, on the 002 API', async () => {
    const res = await rawRequest(port, get('/api/v1/jobs/queryTask?taskId=x', `X-Big: ${'b'.repeat(20_000)}\r\n`))
    expect(res.status).toBe(431)
    expectShape(res, 'jobs', 'headers_too_large')
  })

  it('417: an Expect other than 100-continue, on the 004 API', async () => {
    const res = await rawRequest(port, `POST /api/open/v1/video/generations HTTP/1.1\r\nHost: x\r\nExpect: tea\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}`)
    expect(res.status).toBe(417)
    expectShape(res, 'open', 'expectation_failed')
    expect(res.json().error.field).toBe('Expect')
  })

  it('400: a malformed header line after a valid request line, on the OpenAI API', async () => {
    const res = await rawRequest(port, 'GET /v1/images/generations HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n')
    expect(res.status).toBe(400)
    // OpenAI's `code` is null for an invalid request that names no parameter.
    expectShape(res, 'openai', null)
  })

  it('400: a malformed request line (no path to tell the dialect: native)', async () => {
    const res = await rawRequest(port, 'GARBAGE\x01\x02 what\r\n\r\n')
    expect(res.status).toBe(400)
    expectShape(res, 'native', 'invalid_request')
    expect(res.headers.connection).toBe('close')
  })

  it('400: an unsupported HTTP version on the 001 API', async () => {
    const res = await rawRequest(port, 'GET /api/v1/tasks/x HTTP/7.0\r\nHost: x\r\n\r\n')
    expect(res.status).toBe(400)
    expectShape(res, 'tasks', 'invalid_request')
  })
})

describe('404s per dialect prefix', () => {
  it.each([
    ['/v1/nope', 'native', 'not_found'],
    ['/v1/videos/generate/extra', 'native', 'not_found'],
    ['/api/v1/nope', 'tasks', 'not_found'],
    ['/api/v1/jobs/nope', 'jobs', 'not_found'],
    ['/api/open/v1/nope', 'open', 'not_found'],
    ['/v1/images/edits/nope', 'openai', 'not_found'],
  ] as const)('%s answers in the %s shape', async (path, shape, code) => {
    const res = await rawRequest(port, get(path))
    expect(res.status).toBe(404)
    expectShape(res, shape, code)
  })
})
