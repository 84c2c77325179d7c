import { spawn } from 'node:child_process'
import { ffmpegPath, ffprobePath } from './binaries.js'

export interface RunOptions {
  signal?: AbortSignal | undefined
  timeoutMs?: number
  /** Written to the child's stdin, which is then closed. */
  input?: Buffer
  /** Keep stdout (otherwise it is discarded). */
  captureStdout?: boolean
  /** Refuse stdout beyond this many bytes. */
  maxStdoutBytes?: number
}

export interface RunResult {
  stdout: Buffer
  stderr: string
}

const STDERR_CAP = 16 * 1024

/** Spawns `bin` without a shell; rejects on non-zero exit, abort, or timeout. */
export function runBinary(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const name = bin.split(/[\\/]/).pop() ?? bin
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason ?? new Error(`${name} aborted`))
      return
    }
    const child = spawn(bin, args, { stdio: [opts.input ? 'pipe' : 'ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'], windowsHide: true })
    const out: Buffer[] = []
    let outBytes = 0
    // Keep the tail: ffmpeg prints the actual error last.
    let stderr = ''
    let failure: Error | null = null
    let timer: NodeJS.Timeout | undefined

    const kill = (err: Error): void => {
      failure ??= err
      child.kill('SIGKILL')
    }
    const onAbort = (): void => kill(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error(`${name} aborted`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => kill(new Error(`${name} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs)
    }

    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_CAP)
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (opts.maxStdoutBytes !== undefined && outBytes > opts.maxStdoutBytes) {
        kill(new Error(`${name} produced more than ${opts.maxStdoutBytes} bytes of output`))
        return
      }
      out.push(chunk)
    })
    if (opts.input && child.stdin) {
      // EPIPE when the child exits early is reported through the exit code instead.
      child.stdin.on('error', () => {})
      child.stdin.end(opts.input)
    }

    let settled = false
    const finish = (err: Error | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (err) reject(err)
      else resolve({ stdout: Buffer.concat(out), stderr })
    }
    // A spawn failure (ENOENT) may or may not be followed by 'close'; settle once either way.
    child.on('error', (err) => finish(failure ?? new Error(`failed to start ${name}: ${err.message}`)))
    child.on('close', (code, sig) => {
      if (failure) return finish(failure)
      if (code !== 0) {
        const tail = stderr.trim().split('\n').slice(-5).join('\n')
        return finish(new Error(`${name} exited with ${code ?? sig}: ${tail || '(no stderr)'}`))
      }
      finish(null)
    })
  })
}

export function runFfmpeg(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  // -nostdin unless we feed it: otherwise ffmpeg may grab the terminal.
  const base = ['-hide_banner', '-loglevel', 'error', ...(opts?.input ? [] : ['-nostdin'])]
  return runBinary(ffmpegPath(), [...base, ...args], opts)
}

export function runFfprobe(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return runBinary(ffprobePath(), args, { captureStdout: true, ...opts })
}
