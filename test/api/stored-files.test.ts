import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buffer } from 'node:stream/consumers'
import { Writable } from 'node:stream'
import pino from 'pino'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { ledgerViolations } from '../support/ledger-check.js'
import type { Job } from '../../src/jobs/job-model.js'

type Damage = 'missing' | 'truncated' | 'corrupted'
const DAMAGES: Damage[] = ['missing', 'truncated', 'corrupted']

let s3: { server: S3rver; endpoint: string; dir: string }
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 's3rver-files-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'reelay-files', configs: [] }] })
  const addr = await server.run()
  s3 = { server, endpoint: `http://127.0.0.1:${addr.port}`, dir }
})
afterAll(async () => {
  await s3?.server.close()
  if (s3) rmSync(s3.dir, { recursive: true, force: true })
})

/** A listening Reelay whose runtime logs at error level into `alerts`. */
async function start(storage: 'fs' | 's3') {
  const alerts: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) alerts.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const env: Record<string, string> =
    storage === 's3'
      ? { REELAY_S3_BUCKET: 'reelay-files', REELAY_S3_ENDPOINT: s3.endpoint, REELAY_S3_ACCESS_KEY_ID: 'S3RVER', REELAY_S3_SECRET_ACCESS_KEY: 'S3RVER', REELAY_S3_FORCE_PATH_STYLE: '1' }
      : {}
  // The worker is driven by the test: the first OpenAI image request answers 504 at once and the
  // replay (same Idempotency-Key) serves the finished job.
  const h = await createHarness({ env: { ...env, REELAY_SYNC_WAIT_MS: '0' }, logger: pino({ level: 'error' }, sink) })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  return { h, base, alerts }
}

/** Breaks a stored object; returns a function that puts the original back. */
async function damage(h: Harness, key: string, how: Damage, mime: string): Promise<() => Promise<void>> {
  const file = await h.rt.storage.open(key)
  const original = await buffer(file!.stream)
  if (how === 'missing') await h.rt.storage.delete(key)
  else if (how === 'truncated') await h.rt.storage.put(key, { bytes: original.subarray(0, original.length - 100) }, mime)
  else {
    const bad = Buffer.from(original)
    bad[Math.floor(bad.length / 2)]! ^= 0xff
    await h.rt.storage.put(key, { bytes: bad }, mime)
  }
  return async () => void (await h.rt.storage.put(key, { bytes: original }, mime))
}

for (const storage of ['fs', 's3'] as const) {
  describe(`missing, truncated and corrupted stored files (${storage} storage)`, () => {
    let s: Awaited<ReturnType<typeof start>>
    let c: Awaited<ReturnType<Harness['customer']>>
    let image: { jobId: string; key: string; mime: string }
    let imageUrl: { jobId: string; key: string; mime: string }
    let video: { id: string; key: string; mime: string }
    const imageBody = { prompt: 'a red fox in fresh snow', size: '1024x1024' }
    const openaiImage = (key: string, responseFormat: 'b64_json' | 'url') =>
      s.h.app.inject({ method: 'POST', url: '/v1/images/generations', headers: { ...c.auth, 'idempotency-key': key }, payload: { ...imageBody, response_format: responseFormat } })
    const alerted = (jobId: string, key: string) => s.alerts.some((l) => l.level === 50 && l.jobId === jobId && l.key === key && l.msg === 'stored file is missing or damaged')

    beforeAll(async () => {
      s = await start(storage)
      c = await s.h.customer(10_000)
      expect((await openaiImage('img-b64', 'b64_json')).statusCode).toBe(504)
      expect((await openaiImage('img-url', 'url')).statusCode).toBe(504)
      const v = await s.h.app.inject({ method: 'POST', url: '/v1/videos', headers: c.auth, payload: { prompt: 'a paper boat drifting', seconds: '4' } })
      await s.h.rt.worker.drain()
      const [urlJob, imageJob] = (await s.h.rt.jobs.list(c.account.id, { type: 'image' })).jobs as [Job, Job]
      const videoJob = (await s.h.rt.jobs.list(c.account.id, { type: 'video' })).jobs[0]!
      expect([imageJob.status, videoJob.status]).toEqual(['succeeded', 'succeeded'])
      expect(imageJob.outputs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/)
      image = { jobId: imageJob.id, key: imageJob.outputs[0]!.key, mime: imageJob.outputs[0]!.mime }
      imageUrl = { jobId: urlJob.id, key: urlJob.outputs[0]!.key, mime: urlJob.outputs[0]!.mime }
      video = { id: v.json().id, key: videoJob.outputs[0]!.key, mime: videoJob.outputs[0]!.mime }
      // Intact files are served as before.
      expect((await openaiImage('img-b64', 'b64_json')).statusCode).toBe(200)
      expect((await s.h.app.inject({ method: 'GET', url: `/v1/videos/${video.id}/content`, headers: c.auth })).statusCode).toBe(200)
    }, 60_000)
    afterAll(async () => {
      expect(await ledgerViolations(s.h.rt.store)).toEqual([])
      await s.h.close()
    })

    for (const how of DAMAGES) {
      it(`OpenAI image replay (b64_json, same Idempotency-Key): ${how} → 410 in the OpenAI shape and an operator alert`, async () => {
        s.alerts.length = 0
        const restore = await damage(s.h, image.key, how, image.mime)
        try {
          const res = await openaiImage('img-b64', 'b64_json')
          expect(res.statusCode).toBe(410)
          expect(res.json()).toEqual({ error: { message: expect.stringMatching(/missing or damaged/), type: 'invalid_request_error', param: null, code: 'file_unavailable' } })
          expect(alerted(image.jobId, image.key)).toBe(true)
        } finally {
          await restore()
        }
      })

      it(`OpenAI video content: ${how} → ${how === 'corrupted' ? 'a broken transfer, never a complete 200' : '410 in the OpenAI shape'}`, async () => {
        s.alerts.length = 0
        const restore = await damage(s.h, video.key, how, video.mime)
        try {
          const res = await fetch(`${s.base}/v1/videos/${video.id}/content`, { headers: c.auth })
          if (how === 'corrupted') {
            expect(res.status).toBe(200)
            await expect(res.arrayBuffer()).rejects.toThrow()
          } else {
            expect(res.status).toBe(410)
            expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'file_unavailable' } })
          }
          expect(alerted(`job_${video.id.slice('video_'.length)}`, video.key)).toBe(true)
        } finally {
          await restore()
        }
      })
    }

    for (const how of ['missing', 'truncated'] as const) {
      it(`OpenAI image replay (url) and the native result: ${how} → 410 in each dialect's shape, no link to a bad file`, async () => {
        s.alerts.length = 0
        const restore = await damage(s.h, imageUrl.key, how, imageUrl.mime)
        try {
          const openai = await openaiImage('img-url', 'url')
          expect(openai.statusCode).toBe(410)
          expect(openai.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'file_unavailable' } })
          const native = await s.h.app.inject({ method: 'GET', url: `/v1/jobs/${imageUrl.jobId}/result`, headers: c.auth })
          expect(native.statusCode).toBe(410)
          expect(native.json()).toEqual({ ok: false, error: { code: 'file_unavailable', message: expect.any(String), requestId: expect.any(String) } })
          expect(alerted(imageUrl.jobId, imageUrl.key)).toBe(true)
        } finally {
          await restore()
        }
      })
    }

    if (storage === 'fs') {
      it('an upload served to an upstream through /files is checked against its record too', async () => {
        const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4096, 7)])
        const { sha256Hex } = await import('../../src/storage/verified-read.js')
        const key = await s.h.rt.jobs.uploads.put(c.account.id, { bytes }, { bytes: bytes.length, sha256: sha256Hex(bytes), ext: 'png', mime: 'image/png' })
        const link = new URL(s.h.rt.storage.url(key, Math.floor(s.h.clock.now() / 1000) + 600))
        const ok = await fetch(`${s.base}${link.pathname}${link.search}`)
        expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true)
        s.alerts.length = 0
        await damage(s.h, key, 'corrupted', 'image/png')
        // Small enough to be one chunk: found bad before a byte was sent, so a clean 410.
        const bad = await fetch(`${s.base}${link.pathname}${link.search}`)
        expect(bad.status).toBe(410)
        expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'file_unavailable' } })
        expect(s.alerts).toContainEqual(expect.objectContaining({ level: 50, key, problem: 'hash_mismatch' }))
        await s.h.rt.jobs.uploads.discard([key])
      })

      for (const how of DAMAGES) {
        it(`a /files link: ${how} → ${how === 'corrupted' ? 'a broken transfer' : '410'}; a byte range is checked by size`, async () => {
          const result = (await s.h.app.inject({ method: 'GET', url: `/v1/jobs/${image.jobId}/result`, headers: c.auth })).json()
          const link = new URL(result.outputs[0].url as string)
          s.alerts.length = 0
          const restore = await damage(s.h, image.key, how, image.mime)
          try {
            const res = await fetch(`${s.base}${link.pathname}${link.search}`)
            if (how === 'corrupted') {
              expect(res.status).toBe(200)
              await expect(res.arrayBuffer()).rejects.toThrow()
            } else {
              expect(res.status).toBe(410)
              expect(await res.json()).toMatchObject({ ok: false, error: { code: 'file_unavailable' } })
              const ranged = await fetch(`${s.base}${link.pathname}${link.search}`, { headers: { range: 'bytes=0-9' } })
              expect(ranged.status).toBe(410)
            }
            expect(alerted(image.jobId, image.key)).toBe(true)
          } finally {
            await restore()
          }
          // Restored: served whole again.
          const again = await fetch(`${s.base}${link.pathname}${link.search}`)
          expect(again.status).toBe(200)
          expect((await again.arrayBuffer()).byteLength).toBe(Number(again.headers.get('content-length')))
        })
      }
    }
  })
}
