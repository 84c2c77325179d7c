import { processIo } from './cli/io.js'
import { runCli } from './cli/run.js'

// `serve` keeps running on its own handles; every other command ends when its work is done.
process.exitCode = await runCli(process.argv.slice(2), processIo())
