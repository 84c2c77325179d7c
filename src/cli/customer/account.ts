import { Command } from 'commander'
import { CliFailure, EXIT, guard, type ClientFactory, type CustomerIo } from './failure.js'
import { currentLogin, writeLogin } from './login-file.js'
import { readFromStdin } from '../read-secret.js'
import { imageBody, imageOptions, videoBody, videoOptions, isUrl, type ImageFlags, type VideoFlags } from './flags.js'
import type { Quote, Reelay, ReelayOptions } from '#sdk'

/** `reelay login`: checks the key against the server, then saves both (mode 0600). */
export function loginCommand(io: CustomerIo, makeClient: (o: ReelayOptions) => Reelay): Command {
  return new Command('login')
    .description('Save the server URL and your API key (REELAY_BASE_URL / REELAY_API_KEY override them)')
    .option('--base-url <url>', 'the Reelay server, e.g. https://reelay.example.com')
    .option('--key <key>', 'your API key (sk_live_…); asked for when not given')
    .option('--json', 'machine-readable output')
    .action(async (o: { baseUrl?: string; key?: string; json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const now = currentLogin(io.env)
        const baseUrl = (o.baseUrl ?? now.baseUrl).replace(/\/+$/, '')
        if (!isUrl(baseUrl)) throw new CliFailure(`--base-url must be an http(s) URL (got ${baseUrl})`, EXIT.badInput, 'invalid_request', '--base-url')
        const apiKey = o.key ?? (await (io.readSecret ?? readFromStdin)('API key: '))
        if (!apiKey) throw new CliFailure('No API key given (--key, or type it when asked)', EXIT.badInput, 'invalid_request', '--key')
        // A wrong key or URL fails here (exit 4 / 1), before anything is saved.
        const usage = await makeClient({ apiKey, baseURL: baseUrl }).usage.get()
        const file = writeLogin(io.env, { baseUrl, apiKey })
        const data = { baseUrl, saved: file, plan: usage.plan.id, available: usage.available }
        io.out(o.json ? `${JSON.stringify(data, null, 2)}\n` : `Logged in to ${baseUrl} (plan ${usage.plan.name}, ${usage.available} credits available).\nSaved to ${file} (readable only by you).\n`)
      })
    })
}

/** `reelay usage` */
export function usageCommand(io: CustomerIo, client: ClientFactory): Command {
  return new Command('usage')
    .description('Balance, held credits, plan limits and this period’s usage')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const u = await client().usage.get()
        const quota = u.limits.monthlyCreditQuota === null ? 'no monthly quota' : `monthly quota ${u.limits.monthlyCreditQuota}`
        io.out(
          o.json
            ? `${JSON.stringify(u, null, 2)}\n`
            : [
                `Available ${u.available} credits (balance ${u.balance}, held by running jobs ${u.reserved}); plan ${u.plan.name}.`,
                `This period (${u.usage.periodStart.slice(0, 10)} to ${u.usage.periodEnd.slice(0, 10)}): ${u.usage.creditsUsed} credits over ${u.usage.jobs} jobs.`,
                `Limits: ${u.limits.requestsPerMinute} requests/min, ${u.limits.maxActiveJobs} active jobs, ${quota}.`,
                '',
              ].join('\n'),
        )
      })
    })
}

function printQuote(io: CustomerIo, json: boolean, q: Quote): void {
  if (json) return void io.out(`${JSON.stringify(q, null, 2)}\n`)
  const lines = [`${q.credits} credits (you have ${q.available} available)${q.credits > q.available ? ': not enough, top up first' : ''}`]
  for (const b of q.breakdown ?? []) lines.push(`  ${b.item}${b.detail ? ` (${b.detail})` : ''}: ${b.credits}`)
  io.out(`${lines.join('\n')}\n`)
}

/** `reelay quote video|image "prompt" …`: the same flags as the render, nothing is held. */
export function quoteCommand(io: CustomerIo, client: ClientFactory): Command {
  const quote = new Command('quote').description('What a render would cost, before running it')
  videoOptions(quote.command('video').argument('<prompt>'))
    .option('--json', 'machine-readable output')
    .action(async (prompt: string, o: VideoFlags & { json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        // A local start frame does not change the price; it is uploaded only by the render.
        const flags = o.image !== undefined && !isUrl(o.image) ? { ...o, image: undefined } : o
        printQuote(io, Boolean(o.json), await client().quote({ type: 'video', ...videoBody(prompt, flags) }))
      })
    })
  imageOptions(quote.command('image').argument('<prompt>'))
    .option('--json', 'machine-readable output')
    .action(async (prompt: string, o: ImageFlags & { json?: boolean }) => {
      await guard(io, Boolean(o.json), async () => {
        const flags = { ...o, image: (o.image ?? []).filter(isUrl) }
        printQuote(io, Boolean(o.json), await client().quote({ type: 'image', ...imageBody(prompt, flags) }))
      })
    })
  return quote
}
