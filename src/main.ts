// `serve` skips the command tree: it loads commander, the customer CLI and the SDK, which a
// server never uses, and that import graph is a third of the time to a healthy start.
const role = serveRole(process.argv.slice(2))
if (role) {
  const { serve } = await import('./cli/serve.js')
  await serve(role)
} else {
  const { processIo } = await import('./cli/io.js')
  const { runCli } = await import('./cli/run.js')
  // `serve` keeps running on its own handles; every other command ends when its work is done.
  process.exitCode = await runCli(process.argv.slice(2), processIo())
}

/** The role of a plain `serve [--role X]`; anything else (help, a typo) goes through the CLI. */
function serveRole(args: string[]): 'api' | 'worker' | 'all' | null {
  if (args[0] !== 'serve') return null
  const rest = args.slice(1)
  const role = rest.length === 0 ? 'all' : rest.length === 1 && rest[0]!.startsWith('--role=') ? rest[0]!.slice(7) : rest.length === 2 && rest[0] === '--role' ? rest[1] : null
  return role === 'api' || role === 'worker' || role === 'all' ? role : null
}
