import type { Session } from './contract'

/** An error answer in the native shape: `{ error: { code, message, field?, requestId } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly retryAfter: number | null = null,
  ) {
    super(message)
  }
}

let csrfToken: string | null = null

/** Every session answer carries the token that state-changing calls must echo. */
export function rememberSession(s: Session): Session {
  csrfToken = s.csrfToken
  return s
}

export function forgetSession(): void {
  csrfToken = null
}

export interface CallOptions {
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

async function errorFrom(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('retry-after'))
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string; field?: string } }
    return new ApiError(res.status, j.error?.code ?? 'http_error', j.error?.message ?? res.statusText, j.error?.field ?? null, Number.isFinite(retry) && retry > 0 ? retry : null)
  } catch {
    return new ApiError(res.status, 'http_error', res.statusText)
  }
}

/** One call to the server, with the session cookie and, for writes, the CSRF header. */
export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  if (!res.ok) throw await errorFrom(res)
  if (res.status === 204) return undefined as T
  const type = res.headers.get('content-type') ?? ''
  return (type.includes('json') ? await res.json() : await res.text()) as T
}

export const get = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, signal ? { signal } : {})

/** A query string from the defined values only. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}
