import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { homedir } from 'node:os'

export interface Login {
  baseUrl: string
  apiKey: string
}

type Env = Record<string, string | undefined>

/** `$XDG_CONFIG_HOME/reelay/<name>`, else `~/.config/reelay/<name>` (`%APPDATA%` on Windows). */
export function configPath(env: Env, name: string): string {
  const base = env.XDG_CONFIG_HOME || (process.platform === 'win32' && env.APPDATA) || path.join(env.HOME || homedir(), '.config')
  return path.join(base, 'reelay', name)
}

export const loginPath = (env: Env): string => configPath(env, 'login.json')

/** Writes `data` as JSON readable by its owner only: such files hold a secret (a key, a session). */
export function writeSecretFile(file: string, data: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 })
  // An existing file keeps its old mode through writeFileSync; set it either way.
  chmodSync(file, 0o600)
  return file
}

export function readLogin(env: Env): Partial<Login> {
  try {
    const v = JSON.parse(readFileSync(loginPath(env), 'utf8')) as Partial<Login>
    return { ...(typeof v.baseUrl === 'string' ? { baseUrl: v.baseUrl } : {}), ...(typeof v.apiKey === 'string' ? { apiKey: v.apiKey } : {}) }
  } catch {
    return {}
  }
}

export function writeLogin(env: Env, login: Login): string {
  return writeSecretFile(loginPath(env), login)
}

/** What the customer commands use: REELAY_BASE_URL and REELAY_API_KEY win over the saved login. */
export function currentLogin(env: Env): { baseUrl: string; apiKey: string | undefined } {
  const saved = readLogin(env)
  return { baseUrl: env.REELAY_BASE_URL || saved.baseUrl || 'http://127.0.0.1:8080', apiKey: env.REELAY_API_KEY || saved.apiKey }
}
