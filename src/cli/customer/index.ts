import { CommanderError, type Command } from 'commander'
import { Reelay, type ReelayOptions } from '#sdk'
import { CliFailure, EXIT, type CustomerIo } from './failure.js'
import { currentLogin } from './login-file.js'
import { imageCommand, videoCommand } from './submit.js'
import { jobsCommand } from './jobs.js'
import { loginCommand, quoteCommand, usageCommand } from './account.js'
import type { CliIo } from '../io.js'

/**
 * The customer commands: they speak to a Reelay server over its API (the SDK), never to a
 * database, so they work from any machine with a key. The operator commands beside them
 * (accounts, keys, credits, …) are the server's own.
 */
export function registerCustomerCommands(program: Command, cliIo: CliIo): void {
  const io = cliIo as CustomerIo
  // REELAY_MAX_RETRIES=0 hands a 429 straight back (a script that waits for limits itself).
  const retries = io.env.REELAY_MAX_RETRIES
  const maxRetries = retries !== undefined && /^\d{1,2}$/.test(retries) ? { maxRetries: Number(retries) } : {}
  const makeClient = (o: ReelayOptions) => new Reelay({ ...maxRetries, ...io.sdk, ...o })
  const client = () => {
    const { baseUrl, apiKey } = currentLogin(io.env)
    if (!apiKey) throw new CliFailure('Not logged in: run `reelay login`, or set REELAY_API_KEY', EXIT.auth, 'unauthorized')
    return makeClient({ apiKey, baseURL: baseUrl })
  }
  for (const cmd of [loginCommand(io, makeClient), videoCommand(io, client), imageCommand(io, client), jobsCommand(io, client), usageCommand(io, client), quoteCommand(io, client)]) {
    program.addCommand(withBadInputExit(cmd, io).helpGroup('Customer commands (over the API, with your key):'))
  }
}

/** A usage mistake (unknown flag, missing prompt) exits 2, like a 400 from the server. */
export function withBadInputExit(cmd: Command, io: CliIo): Command {
  cmd.configureOutput({ writeOut: io.out, writeErr: io.err }).showHelpAfterError()
  cmd.exitOverride((err) => {
    throw err.exitCode === 0 ? err : new CommanderError(EXIT.badInput, err.code, err.message)
  })
  for (const sub of cmd.commands) withBadInputExit(sub, io)
  return cmd
}
