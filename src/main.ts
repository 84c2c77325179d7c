import { ConfigError } from './config.js'
import { AppError } from './errors.js'
import { buildCli } from './cli/commands.js'

try {
  await buildCli().parseAsync(process.argv)
} catch (err) {
  if (err instanceof ConfigError || err instanceof AppError) {
    process.stderr.write(`error: ${err.message}\n`)
    process.exit(1)
  }
  throw err
}
