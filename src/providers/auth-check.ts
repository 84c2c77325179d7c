import { loadUndici } from '../net/undici.js'
import type { ChannelSpec } from './channels.js'
import { PROVIDERS } from './provider-registry.js'

export async function checkChannelAuth(c: ChannelSpec, timeoutMs = 10_000): Promise<{ ok: boolean; status: number | null; message: string }> {
  /** A cheap authenticated read per upstream, from the provider registry. */
  const probe = PROVIDERS[c.provider].capabilities.probe
  if (!probe) return { ok: true, status: null, message: 'local provider: nothing to check' }
  try {
    const { request } = await loadUndici()
    const res = await request(`${c.baseUrl.replace(/\/+$/, '')}${probe.path}`, { method: 'GET', headers: probe.header(c.apiKey), headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
    await res.body.dump()
    if (res.statusCode === 401 || res.statusCode === 403) return { ok: false, status: res.statusCode, message: 'the upstream rejected the API key' }
    if (res.statusCode < 300 || probe.acceptStatus?.includes(res.statusCode)) return { ok: true, status: res.statusCode, message: 'authenticated' }
    return { ok: false, status: res.statusCode, message: `unexpected HTTP ${res.statusCode}` }
  } catch (err) {
    return { ok: false, status: null, message: `unreachable: ${(err as Error).message}` }
  }
}
