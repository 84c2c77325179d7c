// Tasks API (/api/v1, seeds 001 / 003) with fetch: submit a Seedance video task, poll, download.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

const base = process.env.REELAY_BASE_URL ?? 'http://127.0.0.1:8080'
const auth = { authorization: `Bearer ${process.env.REELAY_API_KEY}` }

const submit = await fetch(`${base}/api/v1/video/seedance`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
  body: JSON.stringify({ mode: 'text-to-video', prompt: 'A glass train crossing a snowy mountain bridge', aspect_ratio: '16:9', duration: '4', resolution: '720p' }),
})
if (!submit.ok) throw new Error(`submit: ${submit.status} ${await submit.text()}`)
const { id } = (await submit.json()) as { id: string }

type Task = { status: 'pending' | 'processing' | 'completed' | 'failed'; output: { video_url: string } | null; error?: { code: string; message: string } }
let task: Task
for (;;) {
  task = (await (await fetch(`${base}/api/v1/tasks/${id}`, { headers: auth })).json()) as Task
  console.log(`${id}: ${task.status}`)
  if (task.status === 'completed' || task.status === 'failed') break
  await new Promise((r) => setTimeout(r, 1_000))
}
if (task.status === 'failed' || !task.output) throw new Error(`task failed: ${task.error?.message}`)
const file = path.join(process.env.OUT_DIR ?? '.', 'tasks-ts.mp4')
await writeFile(file, Buffer.from(await (await fetch(task.output.video_url)).arrayBuffer()))
console.log(`saved ${file}`)
