import { Command, Option } from 'commander'
import { table } from '../output.js'
import { guard, type ClientFactory, type CustomerIo } from './failure.js'
import { intFlagOr } from './flags.js'
import { describeJob, finish, saveOutputs } from './results.js'
import type { Job, JobListParams } from '#sdk'

const JSON_OPT = ['--json', 'machine-readable output'] as const

/** `reelay jobs list|get|wait|cancel|download` */
export function jobsCommand(io: CustomerIo, client: ClientFactory): Command {
  const jobs = new Command('jobs').description('Your generation jobs (over the API)')

  jobs
    .command('list')
    .description('Newest first')
    .addOption(new Option('--status <status>').choices(['queued', 'processing', 'succeeded', 'failed', 'cancelled']))
    .addOption(new Option('--type <type>').choices(['image', 'video']))
    .option('--limit <n>', 'how many (default 20)')
    .option('--all', 'every job, following the pages')
    .option(...JSON_OPT)
    .action(async (o: { status?: string; type?: string; limit?: string; all?: boolean; json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const limit = intFlagOr(o.limit, '--limit', 20)
        const params = { ...(o.status ? { status: o.status } : {}), ...(o.type ? { type: o.type } : {}) } as JobListParams
        const rows: Job[] = []
        for await (const j of client().jobs.list({ ...params, limit: Math.min(limit, 100) } as JobListParams)) {
          rows.push(j)
          if (!o.all && rows.length >= limit) break
        }
        io.out(
          o.json
            ? `${JSON.stringify(rows, null, 2)}\n`
            : `${table(rows.map((j) => ({ id: j.jobId, type: j.type, model: j.model, status: j.status, progress: `${j.progress}%`, credits: j.chargedCredits, created: j.createdAt })))}\n`,
        )
      })
    })

  jobs
    .command('get <id>')
    .option(...JSON_OPT)
    .action(async (id: string, o: { json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const job = await client().jobs.get(id)
        io.out(o.json ? `${JSON.stringify(job, null, 2)}\n` : `${describeJob(job)}\n`)
      })
    })

  jobs
    .command('wait <id>')
    .description('Wait with a progress bar; Ctrl-C stops waiting, not the job')
    .option('--out <file>', 'then save the output here')
    .option(...JSON_OPT)
    .action(async (id: string, o: { out?: string; json?: boolean }) => {
      await guard(io, Boolean(o.json), () => finish(client(), id, io, { json: Boolean(o.json), out: o.out, save: Boolean(o.out) }))
    })

  jobs
    .command('cancel <id>')
    .description('Cancel a queued or processing job; its held credits are released')
    .option(...JSON_OPT)
    .action(async (id: string, o: { json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const job = await client().jobs.cancel(id)
        io.out(o.json ? `${JSON.stringify(job, null, 2)}\n` : `Cancelled ${job.jobId}; its held credits were released.\n`)
      })
    })

  jobs
    .command('download <id>')
    .description("Save a finished job's outputs (default <id>.<ext> here)")
    .option('--out <file>', 'where (more outputs are numbered: out-2.png, …)')
    .option(...JSON_OPT)
    .action(async (id: string, o: { out?: string; json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const { saved } = await saveOutputs(client(), id, o.out)
        io.out(o.json ? `${JSON.stringify(saved, null, 2)}\n` : `${(saved ?? []).map((s) => `Saved ${s.path} (${s.bytes} bytes, ${s.mimeType})`).join('\n')}\n`)
      })
    })
  return jobs
}
