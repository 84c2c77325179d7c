import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import type { Clock } from '../../src/domain/clock.js'
import type { ImageParams, VideoParams } from '../../src/domain/params.js'
import { createProviderContext } from '../../src/providers/context.js'
import type { CallbackRequest } from '../../src/providers/http/json-client.js'
import { ProviderError, type ChannelConfig, type FetchReference, type ProviderContext, type ProviderJob } from '../../src/providers/provider.js'

/** Upstream names a customer-facing message must never contain. */
export const UPSTREAM_NAMES = /ark|byteplus|volc|fal|replicate/i

export function videoParams(over: Partial<VideoParams> = {}): VideoParams {
  return {
    prompt: 'A red fox runs through fresh snow at dawn',
    durationSec: 5,
    resolution: '720p',
    aspectRatio: '16:9',
    generateAudio: true,
    seed: 42,
    cameraFixed: false,
    qualityTier: 'standard',
    referenceImageUrls: [],
    referenceVideoUrls: [],
    referenceAudioUrls: [],
    ...over,
  }
}

export function imageParams(over: Partial<ImageParams> = {}): ImageParams {
  return { prompt: 'a red fox in snow', n: 1, resolution: '1K', aspectRatio: '1:1', quality: 'MEDIUM', format: 'png', seed: -1, referenceImageUrls: [], ...over }
}

export function videoJob(params: VideoParams, model: string, id = 'job_01'): ProviderJob {
  return { id, model, type: 'video', params, submittedAt: null }
}

export function imageJob(params: ImageParams, model: string, id: string): ProviderJob {
  return { id, model, type: 'image', params, submittedAt: null }
}

export interface ContextOverrides {
  apiKey?: string
  options?: Record<string, unknown>
  callbackUrl?: string
  fetchReference?: FetchReference
}

/** A context on `channel` (no options unless given) that logs nothing. */
export function providerContext(channel: Omit<ChannelConfig, 'options'>, opts: { clock: Clock; tmpDir: string } & ContextOverrides): ProviderContext {
  return createProviderContext({
    channel: { ...channel, apiKey: opts.apiKey ?? channel.apiKey, options: opts.options ?? {} },
    clock: opts.clock,
    log: { info() {}, warn() {}, error() {} },
    tmpDir: opts.tmpDir,
    ...(opts.callbackUrl ? { callbackUrl: opts.callbackUrl } : {}),
    ...(opts.fetchReference ? { fetchReference: opts.fetchReference } : {}),
  })
}

/** Awaits a promise that must reject with a ProviderError; records it in `seen` when given. */
export async function expectProviderError(p: Promise<unknown>, seen?: ProviderError[]): Promise<ProviderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ProviderError)
  seen?.push(err as ProviderError)
  return err as ProviderError
}

/** No public message names the upstream, contains the key or matches `leaks` (raw upstream text). */
export function expectSafePublicMessages(errors: readonly ProviderError[], opts: { atLeast: number; apiKey: string; leaks: RegExp }): void {
  expect(errors.length).toBeGreaterThan(opts.atLeast)
  for (const e of errors) {
    expect(e.publicMessage).not.toMatch(UPSTREAM_NAMES)
    expect(e.publicMessage).not.toContain(opts.apiKey)
    expect(e.publicMessage).not.toMatch(opts.leaks)
  }
}

/** An image adapter's error: no key, upstream name or raw upstream text (`leaks`, `raw`) in the public message, no key in the detail. */
export function expectSafeImageError(e: ProviderError, apiKey: string, leaks: RegExp, raw?: string): void {
  expect(e.publicMessage).not.toMatch(/openai|gemini|google/i)
  expect(e.publicMessage).not.toContain(apiKey)
  expect(e.publicMessage).not.toMatch(leaks)
  if (raw) expect(e.publicMessage).not.toContain(raw)
  expect(e.detail ?? '').not.toContain(apiKey)
}

/** A temp dir with a real one-second MP4 (ffmpeg testsrc2), made before the file's tests and removed after. */
export function useMp4Fixture(prefix: string): { dir: string; mp4: Buffer } {
  const fx = { dir: '', mp4: Buffer.alloc(0) }
  beforeAll(() => {
    fx.dir = mkdtempSync(path.join(tmpdir(), prefix))
    const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
    const out = path.join(fx.dir, 'out.mp4')
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24', '-t', '1', '-pix_fmt', 'yuv420p', '-y', out])
    fx.mp4 = readFileSync(out)
  })
  afterAll(() => {
    rmSync(fx.dir, { recursive: true, force: true })
  })
  return fx
}

export interface CallbackReceiver {
  url: string
  /** Every callback received, as an adapter's `parseCallback` sees it. */
  received: CallbackRequest[]
  close(): Promise<void>
}

/** A local server standing in for our callback route. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: CallbackRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks), query: Object.fromEntries(u.searchParams) })
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
