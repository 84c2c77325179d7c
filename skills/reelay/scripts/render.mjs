#!/usr/bin/env node
// Quotes, renders and saves one shot through the `reelay` CLI, waiting with its progress display.
// Takes the spec that cinematic-prompt.mjs prints (a file, or - for stdin). Ends with one line
// `RESULT {...}` (JSON) on success; otherwise a plain explanation and the CLI's exit code:
// 2 bad input, 3 the render failed (credits released), 4 not logged in, 5 not enough credits,
// 6 over --max-credits, 130 stopped waiting (the job goes on), 1 anything else.
//
//   node cinematic-prompt.mjs "…" > shot.json && node render.mjs --spec shot.json --out shot.mp4
//
// REELAY_CLI names the command (default `reelay`; e.g. `npx reelay` or `node /path/bin/reelay.mjs`).
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values: o } = parseArgs({
  options: {
    spec: { type: 'string', default: '-' },
    out: { type: 'string' },
    image: { type: 'string' },
    model: { type: 'string' },
    resolution: { type: 'string' },
    'max-credits': { type: 'string' },
    retries: { type: 'string', default: '3' },
    'retry-wait': { type: 'string', default: '15' },
  },
})

const cli = (process.env.REELAY_CLI ?? 'reelay').split(/\s+/).filter(Boolean)
const spec = JSON.parse(readFileSync(o.spec === '-' ? 0 : o.spec, 'utf8'))
if (typeof spec.prompt !== 'string' || !['video', 'image'].includes(spec.kind)) {
  console.error('The spec needs "kind" (video or image) and "prompt": make it with cinematic-prompt.mjs')
  process.exit(2)
}

/** Runs the CLI; stdout is passed through (a terminal keeps its progress bar) and kept when piped. */
function run(args, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const live = !quiet && process.stdout.isTTY
    const child = spawn(cli[0], [...cli.slice(1), ...args], { stdio: ['ignore', live ? 'inherit' : 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (b) => {
      stdout += b
      if (!quiet) process.stdout.write(b)
    })
    child.stderr.on('data', (b) => {
      stderr += b
      if (!quiet) process.stderr.write(b)
    })
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message} (is the reelay CLI installed? set REELAY_CLI)` }))
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr }))
  })
}

const shotFlags = [
  ...(spec.kind === 'video' ? ['--duration', String(spec.duration ?? 5)] : []),
  ...(spec.ratio ? ['--ratio', spec.ratio] : []),
  ...(o.resolution ? ['--resolution', o.resolution] : []),
  ...(o.model ? ['--model', o.model] : []),
  ...(o.image ? ['--image', o.image] : []),
]
const errorCode = (stderr) => /\[([a-z_]+)[,\]]/.exec(stderr)?.[1]

// 1. The price, before anything is held.
const q = await run(['quote', spec.kind, spec.prompt, ...shotFlags, '--json'], { quiet: true })
let credits = null
if (q.code === 0) {
  const quote = JSON.parse(q.stdout)
  credits = quote.credits
  console.log(`Price: ${quote.credits} credits (${quote.available} available).`)
  if (quote.credits > quote.available) {
    console.log(
      `Not enough credits: this ${spec.kind} costs ${quote.credits} and the account has ${quote.available}. Top up the account, or ask for a shorter duration or a lower resolution and quote again.`,
    )
    process.exit(5)
  }
  if (o['max-credits'] !== undefined && quote.credits > Number(o['max-credits'])) {
    console.log(`Over budget: ${quote.credits} credits is more than --max-credits ${o['max-credits']}. Nothing was rendered.`)
    process.exit(6)
  }
} else {
  const err = q.stdout.trim().startsWith('{') ? JSON.parse(q.stdout).error : { code: errorCode(q.stderr), message: q.stderr.trim() }
  if (q.code === 4) {
    console.log(`Not logged in (${err?.message}). Run \`reelay login --base-url <server> --key <sk_live_…>\` first.`)
    process.exit(4)
  }
  if (err?.code !== 'not_found') {
    console.log(`The request was refused before rendering: ${err?.message}`)
    process.exit(q.code)
  }
  // A server without POST /v1/quote: render anyway; the submit itself refuses what the account cannot pay.
  console.log('Price: this server cannot quote; the render is charged at its price-book rate.')
}

// 2. The render, waiting with progress, retried while plan limits say "later". The same key on
// every attempt: a refused attempt records nothing, and a repeat can never make a second job.
const out = o.out ?? `reelay-${Date.now()}.${spec.kind === 'video' ? 'mp4' : 'png'}`
const key = randomUUID()
for (let attempt = 0; ; attempt++) {
  const r = await run([spec.kind, spec.prompt, ...shotFlags, '--out', out, '--idempotency-key', key])
  const code = errorCode(r.stderr)
  if (r.code === 0) {
    const jobId = /Submitted (job_\w+)/.exec(r.stdout)?.[1] ?? null
    console.log(`RESULT ${JSON.stringify({ kind: spec.kind, out, jobId, credits, prompt: spec.prompt })}`)
    process.exit(0)
  }
  if ((code === 'rate_limited' || code === 'concurrency_limited') && attempt < Number(o.retries)) {
    const why = code === 'rate_limited' ? 'the plan’s request rate limit' : 'the plan’s limit on jobs running at once'
    console.log(`Hit ${why}; trying again in ${o['retry-wait']} s (attempt ${attempt + 2} of ${Number(o.retries) + 1}).`)
    await new Promise((res) => setTimeout(res, Number(o['retry-wait']) * 1000))
    continue
  }
  const advice = {
    2: 'The CLI or server refused a parameter (named above): fix the spec and run again.',
    3: 'The render failed and its credits were released: rephrase the prompt (avoid anything a content filter may refuse) and try again.',
    4: 'Not logged in: run `reelay login` first.',
    5: 'Not enough credits: top up the account, or ask for a shorter duration or a lower resolution.',
    130: 'Stopped waiting; the job keeps running. Resume with the `reelay jobs wait` command printed above.',
  }[r.code]
  console.log(
    advice ??
      (code === 'rate_limited' || code === 'concurrency_limited'
        ? 'Still limited after retrying: wait for running jobs to finish, then try again.'
        : 'The render did not complete (see the error above).'),
  )
  process.exit(r.code)
}
