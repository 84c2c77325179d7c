import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { ConfigError } from '../config.js'
import { createSecretBox, newSecretKey, parseSecretKeys, type SecretBox } from './secret-box.js'

export interface KeySourceConfig {
  REELAY_SECRET_KEY?: string | undefined
  REELAY_SECRET_KEY_FILE?: string | undefined
  dataDir: string
}

export interface LoadedKeys {
  box: SecretBox
  /** Set when this call generated the key file (first start). */
  createdFile?: string
  /** Set when the key file is readable by other users. */
  looseFile?: string
}

/**
 * The secret key ring: `REELAY_SECRET_KEY` when set, else the key file (`DATA_DIR/secret.key`
 * unless `REELAY_SECRET_KEY_FILE` names another), generated with mode 0600 on first start.
 */
export function loadSecretKeys(config: KeySourceConfig): LoadedKeys {
  if (config.REELAY_SECRET_KEY) return { box: createSecretBox(parseSecretKeys(config.REELAY_SECRET_KEY, 'REELAY_SECRET_KEY'), 'REELAY_SECRET_KEY') }
  const file = config.REELAY_SECRET_KEY_FILE ? path.resolve(config.REELAY_SECRET_KEY_FILE) : path.join(config.dataDir, 'secret.key')
  const createdFile = createKeyFileIfAbsent(file) ? file : undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`Cannot read the secret key file ${file}: ${(err as Error).message}`)
  }
  const loose = (statSync(file).mode & 0o077) !== 0
  return { box: createSecretBox(parseSecretKeys(text, file), file), ...(createdFile ? { createdFile } : {}), ...(loose ? { looseFile: file } : {}) }
}

/**
 * Writes a new key to `file` unless it exists. Several processes may start at once on a fresh
 * data dir: the key is written to a private temporary file and linked into place, which fails
 * if another process linked first, so everyone ends up reading one complete key.
 */
function createKeyFileIfAbsent(file: string): boolean {
  try {
    statSync(file)
    return false
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`Cannot read the secret key file ${file}: ${(err as Error).message}`)
  }
  mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(tmp, `${newSecretKey()}\n`, { mode: 0o600, flag: 'wx' })
  // The umask can only take bits away; make sure no one else may read it.
  chmodSync(tmp, 0o600)
  try {
    linkSync(tmp, file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new ConfigError(`Cannot create the secret key file ${file}: ${(err as Error).message}`)
  } finally {
    unlinkSync(tmp)
  }
}
