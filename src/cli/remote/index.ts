import { Command } from 'commander'
import { withBadInputExit } from '../customer/index.js'
import { remoteAdminCommands } from './admin.js'
import { remoteLoginCommand, remoteLogoutCommand } from './login.js'
import type { CustomerIo } from '../customer/failure.js'
import type { CliIo } from '../io.js'

/**
 * `reelay remote …`: the operator commands over a server's /admin/v1, signed in as an operator,
 * from any machine; the other operator commands work on the database itself.
 */
export function registerRemoteCommands(program: Command, cliIo: CliIo): void {
  const io = cliIo as CustomerIo
  const remote = new Command('remote').description('Operate a Reelay server over its /admin/v1 API (reelay remote login first)')
  for (const cmd of [remoteLoginCommand(io), remoteLogoutCommand(io), ...remoteAdminCommands(io)]) remote.addCommand(cmd)
  program.addCommand(withBadInputExit(remote, io))
}
