import { CommanderError, InvalidArgumentError } from 'commander'
import { buildCli } from './commands.js'
import type { CliIo } from './io.js'
import { failureLine } from './output.js'

/**
 * Runs one `reelay` invocation (`args` without the node and script paths) and resolves to its exit
 * code. Tests call it in-process with their own `io`; `main.ts` with the process's.
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  try {
    await buildCli(io).parseAsync(args, { from: 'user' })
    return io.exitCode
  } catch (err) {
    // Commander has already printed its own parse errors and help; it only reports the exit code.
    if (err instanceof CommanderError && !(err instanceof InvalidArgumentError)) return err.exitCode
    // An operator's mistake is one line; anything else is a bug and keeps its stack trace.
    const line = failureLine(err)
    if (line === null) throw err
    io.err(`${line}\n`)
    return 1
  }
}
