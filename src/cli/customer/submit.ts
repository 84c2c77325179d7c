import { Command } from 'commander'
import { CliFailure, EXIT, guard, type ClientFactory, type CustomerIo } from './failure.js'
import { imageBody, imageOptions, isUrl, localFile, videoBody, videoOptions, type ImageFlags, type VideoFlags } from './flags.js'
import { submitImageWithFiles, submitVideoWithFile } from './uploads.js'
import { finish } from './results.js'

interface RunFlags {
  wait?: boolean
  out?: string
  json?: boolean
  idempotencyKey?: string
}

function runOptions(cmd: Command): Command {
  return cmd
    .option('--wait', 'wait for the job with a progress bar, then print its output links')
    .option('--out <file>', 'wait, then save the output here (implies --wait)')
    .option('--idempotency-key <key>', 'your own key: running the command again returns the same job')
    .option('--json', 'machine-readable output')
}

/** After a submit: the job as it stands, or (--wait / --out) its end. */
async function afterSubmit(client: ReturnType<ClientFactory>, jobId: string, io: CustomerIo, o: RunFlags): Promise<void> {
  const job = await client.jobs.get(jobId)
  const summary = `Submitted ${jobId} (${job.type}, ${job.model}): ${job.status}, ${job.chargedCredits} credits held.`
  if (o.wait || o.out) {
    if (!o.json) io.out(`${summary}\n`)
    return finish(client, jobId, io, { json: Boolean(o.json), out: o.out, save: Boolean(o.out) })
  }
  io.out(o.json ? `${JSON.stringify(job, null, 2)}\n` : `${summary}\nFollow it: reelay jobs wait ${jobId}\n`)
}

/** `reelay video "prompt" …` */
export function videoCommand(io: CustomerIo, client: ClientFactory): Command {
  const cmd = new Command('video').description('Generate a video').argument('<prompt>', 'what to film')
  return runOptions(videoOptions(cmd)).action(async (prompt: string, o: VideoFlags & RunFlags) => {
    await guard(io, Boolean(o.json), async () => {
      const reelay = client()
      const key = o.idempotencyKey ?? reelay.newIdempotencyKey()
      let jobId: string
      if (o.image !== undefined && !isUrl(o.image)) {
        jobId = await submitVideoWithFile(reelay, prompt, localFile(o.image, '--image'), o, key)
      } else {
        const body = videoBody(prompt, o)
        for (const [flag, urls] of [
          ['--ref-image', o.refImage],
          ['--ref-video', o.refVideo],
          ['--audio', o.audio],
          ['--end-image', o.endImage ? [o.endImage] : []],
        ] as const) {
          const local = (urls ?? []).find((u) => !isUrl(u))
          // The API takes uploads only as a start frame (see uploads.ts); the rest must be URLs.
          if (local !== undefined) throw new CliFailure(`${flag} ${local}: must be an https URL (only --image can be a local file)`, EXIT.badInput, 'invalid_request', flag)
        }
        jobId = (await reelay.videos.create(body, { idempotencyKey: key })).jobId
      }
      await afterSubmit(reelay, jobId, io, o)
    })
  })
}

/** `reelay image "prompt" …` */
export function imageCommand(io: CustomerIo, client: ClientFactory): Command {
  const cmd = new Command('image').description('Generate images').argument('<prompt>', 'what to draw')
  return runOptions(imageOptions(cmd)).action(async (prompt: string, o: ImageFlags & RunFlags) => {
    await guard(io, Boolean(o.json), async () => {
      const reelay = client()
      const key = o.idempotencyKey ?? reelay.newIdempotencyKey()
      const refs = o.image ?? []
      const files = refs.filter((r) => !isUrl(r)).map((f) => localFile(f, '--image'))
      let jobId: string
      if (files.length > 0) {
        if (!o.json) io.out(`Uploading ${files.length} reference file(s); the server answers when the image is ready…\n`)
        jobId = await submitImageWithFiles(reelay, prompt, files, refs.filter(isUrl), o, key)
      } else {
        jobId = (await reelay.images.create(imageBody(prompt, o), { idempotencyKey: key })).jobId
      }
      await afterSubmit(reelay, jobId, io, o)
    })
  })
}
