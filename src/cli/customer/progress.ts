import cliProgress from 'cli-progress'
import { CliFailure, EXIT, type CustomerIo } from './failure.js'
import type { Job, Reelay } from '#sdk'

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled'])

/** `83` s → `1:23`. */
export function clockTime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

interface Display {
  update(job: Job): void
  stop(): void
}

/** A live bar on a terminal: percent, status and elapsed time, redrawn in place. */
function barDisplay(tty: NodeJS.WriteStream, jobId: string, started: number): Display {
  const bar = new cliProgress.SingleBar(
    { stream: tty, format: `${jobId} [{bar}] {percentage}% | {status} | {elapsed}`, barsize: 30, hideCursor: true, fps: 5, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  )
  let status = 'queued'
  let progress = 0
  bar.start(100, 0, { status, elapsed: '0:00' })
  // Elapsed time moves between polls too.
  const tick = setInterval(() => bar.update(progress, { status, elapsed: clockTime(Date.now() - started) }), 1_000)
  return {
    update(job) {
      status = job.status
      progress = job.status === 'succeeded' ? 100 : job.progress
      bar.update(progress, { status, elapsed: clockTime(Date.now() - started) })
    },
    stop() {
      clearInterval(tick)
      bar.stop()
    },
  }
}

/** Not a terminal (a pipe, a log file, CI): one plain line per change. */
function lineDisplay(io: CustomerIo, jobId: string, started: number): Display {
  return {
    update(job) {
      io.out(`${jobId}: ${job.status} ${job.status === 'succeeded' ? 100 : job.progress}% (${clockTime(Date.now() - started)})\n`)
    },
    stop() {},
  }
}

function onSigint(stop: () => void): () => void {
  process.once('SIGINT', stop)
  return () => void process.off('SIGINT', stop)
}

/**
 * Waits for the job with a progress display (none with --json). Ctrl-C stops the waiting, never
 * the job, and says how to pick it up again.
 */
export async function waitWithProgress(client: Reelay, jobId: string, io: CustomerIo, json: boolean): Promise<Job> {
  const stopWaiting = new AbortController()
  const started = Date.now()
  const display = json ? null : io.tty ? barDisplay(io.tty, jobId, started) : lineDisplay(io, jobId, started)
  const removeHandler = (io.onInterrupt ?? onSigint)(() => stopWaiting.abort())
  try {
    const job = await client.jobs.wait(jobId, { signal: stopWaiting.signal, onProgress: (j) => display?.update(j) })
    display?.stop()
    return job
  } catch (err) {
    display?.stop()
    if (!stopWaiting.signal.aborted) throw err
    const resume = `reelay jobs wait ${jobId}`
    if (json) io.out(`${JSON.stringify({ interrupted: true, jobId, resume }, null, 2)}\n`)
    else io.err(`\nStopped waiting; ${jobId} keeps running on the server. Resume with: ${resume}\n`)
    throw new CliFailure('', EXIT.interrupted, 'interrupted', undefined, true)
  } finally {
    removeHandler()
  }
}

export const isTerminal = (job: Job) => TERMINAL.has(job.status)
