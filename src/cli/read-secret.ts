import { createInterface } from 'node:readline/promises'
import { CliFailure, EXIT } from './customer/failure.js'

/** Reads one line (a key, a password) from stdin; on a terminal what is typed is not echoed (it is a secret). */
export async function readFromStdin(prompt: string): Promise<string> {
  const stdin = process.stdin
  if (!stdin.isTTY) {
    const rl = createInterface({ input: stdin, output: process.stderr, terminal: false })
    try {
      return (await rl.question(prompt)).trim()
    } finally {
      rl.close()
    }
  }
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  return new Promise((resolve, reject) => {
    let typed = ''
    const end = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return (end(), resolve(typed.trim()))
        if (ch === '\u0003') return (end(), reject(new CliFailure('Cancelled; nothing was saved', EXIT.interrupted, 'interrupted')))
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch
      }
    }
    stdin.on('data', onData)
  })
}
