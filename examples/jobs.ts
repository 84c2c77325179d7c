// Jobs API (/api/v1/jobs, seed 002) with fetch: createTask, queryTask until COMPLETED, download.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

const base = process.env.REELAY_BASE_URL ?? 'http://127.0.0.1:8080'
const auth = { authorization: `Bearer ${process.env.REELAY_API_KEY}` }

const created = await fetch(`${base}/api/v1/jobs/createTask`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
  body: JSON.stringify({ model: 'seedance2-fast', inputs: { prompt: 'A golden retriever running on the beach at sunset', duration: '4s', resolution: '1280x720' } }),
})
if (!created.ok) throw new Error(`createTask: ${created.status} ${await created.text()}`)
const { taskId } = (await created.json()) as { taskId: string }

type Task = { status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED'; output: { url: string }[]; error: string | null }
let task: Task
for (;;) {
  task = (await (await fetch(`${base}/api/v1/jobs/queryTask?taskId=${taskId}`, { headers: auth })).json()) as Task
  console.log(`${taskId}: ${task.status}`)
  if (task.status === 'COMPLETED' || task.status === 'FAILED') break
  await new Promise((r) => setTimeout(r, 1_000))
}
if (task.status === 'FAILED' || !task.output[0]) throw new Error(`task failed: ${task.error}`)
const file = path.join(process.env.OUT_DIR ?? '.', 'jobs-ts.mp4')
await writeFile(file, Buffer.from(await (await fetch(task.output[0].url)).arrayBuffer()))
console.log(`saved ${file}`)
