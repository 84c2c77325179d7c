import { runCli } from '../../src/cli/run.js'
import type { CliIo } from '../../src/cli/io.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * `reelay …` run in this process with its own environment, the way the shell would run it:
 * same commands, output and exit code, without a Node start per call.
 */
export function cliWith(env: Record<string, string | undefined>, extra: Partial<CliIo> = {}) {
  return async (...args: string[]): Promise<CliResult> => {
    let stdout = ''
    let stderr = ''
    const io = { env: { ...process.env, REELAY_LOG_LEVEL: 'silent', ...env }, out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t), exitCode: 0, ...extra }
    const code = await runCli(args, io)
    return { code, stdout, stderr }
  }
}
