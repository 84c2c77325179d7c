import { buildCli } from './cli/commands.js'
import { failureLine } from './cli/output.js'

try {
  await buildCli().parseAsync(process.argv)
} catch (err) {
  const line = failureLine(err)
  if (line === null) throw err
  process.stderr.write(`${line}\n`)
  process.exit(1)
}
