/** Where one CLI invocation reads its settings and writes its answers: the process, or a test. */
export interface CliIo {
  env: Record<string, string | undefined>
  out(text: string): void
  err(text: string): void
  /** Set by a command that printed its answer but must still exit non-zero (doctor, channels test). */
  exitCode: number
  /** stdout when it is a terminal: the customer CLI draws its progress bar there (src/cli/customer). */
  tty?: NodeJS.WriteStream
  /** Reads a secret line (a key at `login`, a password) when none was given; default: stdin. */
  readSecret?: (prompt: string) => Promise<string>
}

export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    exitCode: 0,
    ...(process.stdout.isTTY ? { tty: process.stdout } : {}),
  }
}
