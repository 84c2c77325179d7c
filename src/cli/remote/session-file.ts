import { readFileSync } from 'node:fs'
import { configPath, writeSecretFile } from '../customer/login-file.js'

/** An operator's sign-in to a remote server, kept by `reelay remote login`. */
export interface RemoteSession {
  baseUrl: string
  email: string
  /** The `reelay_session` cookie's value (`rls_…`), sent back as `Authorization: Bearer`. */
  token: string
  /** The session's CSRF token; kept for cookie clients, bearer calls need none. */
  csrfToken: string
  expiresAt: number
}

type Env = Record<string, string | undefined>

/** `$XDG_CONFIG_HOME/reelay/remote.json` (beside the customer login, not in it). */
export const remotePath = (env: Env): string => configPath(env, 'remote.json')

export function readRemote(env: Env): RemoteSession | null {
  try {
    const v = JSON.parse(readFileSync(remotePath(env), 'utf8')) as Partial<RemoteSession>
    if (typeof v.baseUrl !== 'string' || typeof v.token !== 'string') return null
    return { baseUrl: v.baseUrl, email: String(v.email ?? ''), token: v.token, csrfToken: String(v.csrfToken ?? ''), expiresAt: Number(v.expiresAt ?? 0) }
  } catch {
    return null
  }
}

/** Mode 0600: the file holds a live operator session. */
export const writeRemote = (env: Env, s: RemoteSession): string => writeSecretFile(remotePath(env), s)
