// Open API (/api/open/v1, seed 004) with fetch: submit a video generation, poll it, download.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

const base = process.env.REELAY_BASE_URL ?? 'http://127.0.0.1:8080'
const auth = { authorization: `Bearer ${process.env.REELAY_API_KEY}` }

const submit = await fetch(`${base}/api/open/v1/video/generations`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
  body: JSON.stringify({ model: 'seedance-2.0-fast', prompt: 'A golden retriever running on the beach at sunset', duration: 4, aspectRatio: '16:9', resolution: '480p' }),
})
if (!submit.ok) throw new Error(`submit: ${submit.status} ${await submit.text()}`)
const { requestId } = (await submit.json()) as { requestId: string }

type Generation = { status: 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled'; output: { url: string } | null; error: { message: string } | null }
let gen: Generation
for (;;) {
  gen = (await (await fetch(`${base}/api/open/v1/video/generations/${requestId}`, { headers: auth })).json()) as Generation
  console.log(`${requestId}: ${gen.status}`)
  if (!['queued', 'processing'].includes(gen.status)) break
  await new Promise((r) => setTimeout(r, 1_000))
}
if (gen.status !== 'succeeded' || !gen.output) throw new Error(`generation ${gen.status}: ${gen.error?.message}`)
const file = path.join(process.env.OUT_DIR ?? '.', 'open-ts.mp4')
await writeFile(file, Buffer.from(await (await fetch(gen.output.url)).arrayBuffer()))
console.log(`saved ${file}`)
