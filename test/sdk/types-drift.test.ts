import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { GENERATED_FILE, generateTypes } from '../../packages/sdk/scripts/openapi-types.js'
import type { paths } from '../../packages/sdk/src/generated/openapi.js'
import type { ImageCreateParams, JobListParams, VideoCreateParams } from '../../packages/sdk/src/index.js'

type Body<P extends keyof paths> = paths[P]['post'] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never
type Query<P extends keyof paths> = paths[P]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never

describe('SDK types and the OpenAPI document', () => {
  it('the committed generated types are what the live document generates (run `npm run sdk:types`)', async () => {
    expect(await generateTypes()).toBe(readFileSync(GENERATED_FILE, 'utf8'))
  }, 60_000)

  it('the SDK request params fit the generated request schemas (checked by tsc)', () => {
    expectTypeOf<VideoCreateParams>().toMatchTypeOf<Body<'/v1/videos/generate'>>()
    expectTypeOf<ImageCreateParams>().toMatchTypeOf<Body<'/v1/images/generate'>>()
    expectTypeOf<JobListParams>().toMatchTypeOf<Query<'/v1/jobs'>>()
    // Every route the SDK calls is in the document (quote waits for the billing work).
    expectTypeOf<'/v1/jobs/{jobId}' | '/v1/jobs/{jobId}/result' | '/v1/jobs/{jobId}/cancel' | '/v1/jobs' | '/v1/usage'>().toMatchTypeOf<keyof paths>()
  })
})
