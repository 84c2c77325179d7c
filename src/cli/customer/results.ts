import path from 'node:path'
import { CliFailure, EXIT, type CustomerIo } from './failure.js'
import { waitWithProgress } from './progress.js'
import type { Job, JobResult, Reelay } from '#sdk'

const EXT: Record<string, string> = { 'video/mp4': 'mp4', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }

/** `out.png` for the first output, `out-2.png`, … for the others. */
export function outputPath(out: string, index: number, count: number): string {
  if (count <= 1 || index === 0) return out
  const ext = path.extname(out)
  return `${out.slice(0, out.length - ext.length)}-${index + 1}${ext}`
}

export function describeJob(j: Job): string {
  const err = j.error ? `\n  error: ${j.error.code}: ${j.error.message}` : ''
  return `${j.jobId}  ${j.type} ${j.model}  ${j.status} ${j.progress}%  ${j.chargedCredits} credits  created ${j.createdAt}${j.completedAt ? `, finished ${j.completedAt}` : ''}${err}`
}

export interface Finished {
  job: Job
  result?: JobResult
  saved?: { path: string; bytes: number; mimeType: string }[]
}

/** Saves every output of a finished job: to `out` (numbered after the first), or `<jobId>.<ext>`. */
export async function saveOutputs(client: Reelay, jobId: string, out: string | undefined): Promise<{ result: JobResult; saved: Finished['saved'] }> {
  const result = await client.jobs.result(jobId)
  if (!result.ready) throw new CliFailure(`${jobId} is still ${result.status}; wait for it first (reelay jobs wait ${jobId})`, EXIT.badInput, 'job_not_finished')
  if (result.status !== 'succeeded') throw new CliFailure(`${jobId} ${result.status}: nothing to download`, EXIT.jobFailed, result.error?.code ?? 'job_failed')
  const saved = []
  for (const [i, o] of result.outputs.entries()) {
    const target = outputPath(out ?? `${jobId}.${EXT[o.mimeType] ?? 'bin'}`, i, result.outputs.length)
    try {
      saved.push(await client.download(jobId, { to: target, index: i }))
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new CliFailure(`--out ${target}: cannot write here (${code})`, EXIT.badInput, 'invalid_request', '--out')
      throw err
    }
  }
  return { result, saved }
}

/**
 * `--wait` / `--out` after a submit (and `jobs wait`): waits with progress, then saves the
 * outputs or prints their links. A failed or cancelled job exits 3.
 */
export async function finish(client: Reelay, jobId: string, io: CustomerIo, o: { json: boolean; out?: string | undefined; save: boolean }): Promise<void> {
  const job = await waitWithProgress(client, jobId, io, o.json)
  const done: Finished = { job }
  if (job.status === 'succeeded') {
    if (o.save) Object.assign(done, await saveOutputs(client, jobId, o.out))
    else {
      const r = await client.jobs.result(jobId)
      if (r.ready) done.result = r
    }
  } else io.exitCode = EXIT.jobFailed
  if (o.json) return void io.out(`${JSON.stringify(done, null, 2)}\n`)
  const lines = [describeJob(job)]
  for (const s of done.saved ?? []) lines.push(`Saved ${s.path} (${s.bytes} bytes, ${s.mimeType})`)
  if (!done.saved) for (const out of done.result?.outputs ?? []) lines.push(`Output: ${out.url}`)
  if (job.status !== 'succeeded') lines.push(`The job ${job.status}; its held credits were released.`)
  io.out(`${lines.join('\n')}\n`)
}
