import { APIConnectionError, APIError, JobFailedError, ReelayError, type Reelay, type ReelayOptions } from '#sdk'
import type { CliIo } from '../io.js'

/** What a customer command's exit code says happened (scripts and agents branch on it). */
export const EXIT = { done: 0, failure: 1, badInput: 2, jobFailed: 3, auth: 4, credits: 5, interrupted: 130 } as const

/** A refusal the CLI itself makes (a bad flag, a missing file, no login), with its exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code = 'invalid_request',
    readonly field?: string,
    /** The command already told the user (an interrupted wait's resume line). */
    readonly shown = false,
  ) {
    super(message)
  }
}

/** The customer CLI's view of the process: the operator CLI's io plus what tests inject. */
export interface CustomerIo extends CliIo {
  /** SDK options for tests (sleep, now); the CLI sets the key and base URL. */
  sdk?: ReelayOptions
  /** Registers the Ctrl-C handler for a wait; returns its removal. Default: SIGINT. */
  onInterrupt?: (stop: () => void) => () => void
}

export type ClientFactory = () => Reelay

/** The exit code for an error: API answers by status, then the SDK's own failures. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliFailure) return err.exitCode
  if (err instanceof JobFailedError) return EXIT.jobFailed
  if (err instanceof APIError) {
    if (err.status === 402 || err.code === 'insufficient_credits') return EXIT.credits
    if (err.status === 401 || err.status === 403) return EXIT.auth
    if ([400, 404, 409, 413, 415, 422].includes(err.status)) return EXIT.badInput
  }
  return EXIT.failure
}

/** A next step to print under the error, when there is an obvious one. */
function hintOf(err: unknown): string | null {
  // The CLI's own refusals already say what to do (and the remote commands' differ from these).
  if (err instanceof CliFailure) return null
  switch (exitCodeOf(err)) {
    case EXIT.auth:
      return 'Check the key: `reelay login`, or set REELAY_API_KEY.'
    case EXIT.credits:
      return 'Top up the account, or ask for a cheaper render (`reelay quote …` shows prices).'
    default:
      return err instanceof APIConnectionError ? 'Is the server up? Set its URL with `reelay login --base-url` or REELAY_BASE_URL.' : null
  }
}

/**
 * Runs a customer command, turning any failure it can explain into one line on stderr (or an
 * `{error}` object on stdout with --json) and its exit code. Anything else is a bug and throws.
 */
export async function guard(io: CliIo, json: boolean, fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (!(err instanceof CliFailure || err instanceof ReelayError)) throw err
    io.exitCode = exitCodeOf(err)
    if (err instanceof CliFailure && err.shown) return
    const e =
      err instanceof APIError
        ? { code: err.code, message: err.message, field: err.field, requestId: err.requestId }
        : err instanceof CliFailure
          ? { code: err.code, message: err.message, field: err.field }
          : { code: err.name, message: err.message }
    if (json) {
      io.out(`${JSON.stringify({ error: e, exitCode: io.exitCode }, null, 2)}\n`)
      return
    }
    const hint = hintOf(err)
    io.err(`error: ${e.message}${e.code ? ` [${e.code}${e.field ? `, ${e.field}` : ''}]` : ''}\n${hint ? `${hint}\n` : ''}`)
  }
}
