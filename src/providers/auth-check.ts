import { request } from 'undici'
import type { ChannelSpec } from './channels.js'

/** A cheap authenticated read per upstream, used by `reelay channels test`. */
const PROBES: Record<string, { path: string; header: (key: string) => Record<string, string> } | null> = {
  ark: { path: '/contents/generations/tasks?page_num=1&page_size=1', header: (k) => ({ authorization: `Bearer ${k}` }) },
  replicate: { path: '/v1/account', header: (k) => ({ authorization: `Bearer ${k}` }) },
  openai: { path: '/models', header: (k) => ({ authorization: `Bearer ${k}` }) },
  gemini: { path: '/v1beta/models?pageSize=1', header: (k) => ({ 'x-goog-api-key': k }) },
  // fal has no read-only endpoint that checks a key; a status read of a made-up request does.
  fal: { path: '/fal-ai/any/requests/00000000-0000-0000-0000-000000000000/status', header: (k) => ({ authorization: `Key ${k}` }) },
  studio: null,
}

export async function checkChannelAuth(c: ChannelSpec, timeoutMs = 10_000): Promise<{ ok: boolean; status: number | null; message: string }> {
  const probe = PROBES[c.provider]
  if (!probe) return { ok: true, status: null, message: 'local provider: nothing to check' }
  try {
    const res = await request(`${c.baseUrl.replace(/\/+$/, '')}${probe.path}`, { method: 'GET', headers: probe.header(c.apiKey), headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
    await res.body.dump()
    if (res.statusCode === 401 || res.statusCode === 403) return { ok: false, status: res.statusCode, message: 'the upstream rejected the API key' }
    // fal answers 404 for an unknown request once the key is accepted.
    if (res.statusCode < 300 || (c.provider === 'fal' && res.statusCode === 404)) return { ok: true, status: res.statusCode, message: 'authenticated' }
    return { ok: false, status: res.statusCode, message: `unexpected HTTP ${res.statusCode}` }
  } catch (err) {
    return { ok: false, status: null, message: `unreachable: ${(err as Error).message}` }
  }
}
