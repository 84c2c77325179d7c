import { InvalidArgumentError } from 'commander'
import { ConfigError } from '../config.js'
import { AppError } from '../errors.js'
import { isBusyError } from '../store/adapter.js'

/** `emit(json, data, human)` prints `data` as JSON with --json, otherwise the human text. */
export function emitter(out: (text: string) => void) {
  return (json: boolean, data: unknown, human: string): void => out(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`)
}

export function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)'
  const cols = Object.keys(rows[0]!)
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)))
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i]!)).join('  ').trimEnd()
  return [line(cols), ...rows.map((r) => line(cols.map((c) => String(r[c] ?? ''))))].join('\n')
}

/**
 * The one line printed for an operator's mistake (bad input, bad config, unknown name); null for
 * anything else, which is a bug and keeps its stack trace.
 */
export function failureLine(err: unknown): string | null {
  if (err instanceof ConfigError || err instanceof AppError || err instanceof InvalidArgumentError) return `error: ${err.message}`
  if (isBusyError(err)) return 'error: the database stayed busy with another writer past REELAY_SQLITE_BUSY_TIMEOUT_MS; nothing was changed, run the command again'
  return null
}
