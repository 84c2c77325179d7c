/**
 * The fake Ark upstream for `inflight.ts`, in its own process so its CPU is not the worker's:
 *
 *   node --import tsx bench/fake-ark.ts hold|lifecycle   (env BENCH_T0, BENCH_COMPRESSION)
 *
 * Tasks never move on GETs (`getsPerStep: 0`). In `hold` mode they stay queued, so every
 * submitted task stays in flight. In `lifecycle` mode each task draws a duration from a
 * lognormal (median 105 s, p90 250 s: the Seedance figures of the performance guide), capped
 * at BENCH_MAX_DURATION_MS (default 300 s), in compressed time; it turns `running` at 20% of it
 * and `succeeded` at 100%. GETs per task are counted here, where the upstream would count them.
 *
 * Prints `ready {"url","apiKey"}`; answers the IPC message `stats`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startFakeArk, type FakeArkTask } from '../test/support/fakes/ark-server.js'
import { compressedNow } from './common.js'

const mode = process.argv[2] === 'lifecycle' ? 'lifecycle' : 'hold'
const T0 = Number(process.env.BENCH_T0)
const C = Number(process.env.BENCH_COMPRESSION ?? 10)
const MEDIAN_MS = 105_000
const P90_MS = 250_000
const MAX_MS = Number(process.env.BENCH_MAX_DURATION_MS ?? 300_000)
const SIGMA = Math.log(P90_MS / MEDIAN_MS) / 1.2815515655446004
const now = compressedNow(T0, C)

/** A small real MP4, so the worker's probe (ffprobe) sees what it would in production. */
function tinyMp4(): Uint8Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-video-'))
  const out = path.join(dir, 'v.mp4')
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
  execFileSync(ffmpeg, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', out])
  const bytes = readFileSync(out)
  rmSync(dir, { recursive: true, force: true })
  return bytes
}

function lognormalMs(): number {
  // Box–Muller.
  const u = 1 - Math.random()
  const v = Math.random()
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  return Math.min(MAX_MS, Math.round(MEDIAN_MS * Math.exp(SIGMA * z)))
}

type Task = FakeArkTask & { durationMs?: number; getsBefore?: number }

const video = mode === 'lifecycle' ? tinyMp4() : undefined
const fake = await startFakeArk({ getsPerStep: 0, record: false, now, ...(video ? { video } : {}) })
const tasks = fake.tasks as Map<string, Task>

// Steps in 50 ms (wall) buckets: each task is touched twice, never scanned.
const BUCKET_MS = 50
const due = new Map<number, { id: string; to: 'running' | 'succeeded' }[]>()
const bucketOf = (simMs: number) => Math.floor(simMs / (BUCKET_MS * C))
function schedule(at: number, id: string, to: 'running' | 'succeeded'): void {
  const b = bucketOf(at)
  let list = due.get(b)
  if (!list) due.set(b, (list = []))
  list.push({ id, to })
}

// Hook task creation: the fake stores each new task with `tasks.set`.
const set = tasks.set.bind(tasks)
tasks.set = (id: string, t: Task) => {
  // No upstream callbacks: the benchmark measures polling alone (the worker runs no HTTP server).
  t.callbackUrl = undefined
  t.getsBefore = 0
  if (mode === 'lifecycle') {
    t.durationMs = lognormalMs()
    schedule(t.createdAt + t.durationMs * 0.2, id, 'running')
    schedule(t.createdAt + t.durationMs, id, 'succeeded')
  }
  return set(id, t)
}

let lastBucket = bucketOf(now())
if (mode === 'lifecycle') {
  setInterval(() => {
    const current = bucketOf(now())
    for (let b = lastBucket; b <= current; b++) {
      const list = due.get(b)
      if (!list) continue
      due.delete(b)
      for (const { id, to } of list) {
        const t = tasks.get(id)
        if (!t) continue
        // `advance` resets the per-status GET count; keep the total.
        t.getsBefore = (t.getsBefore ?? 0) + t.gets
        if (to === 'running' && t.status === 'queued') fake.advance(id)
        else if (to === 'succeeded') fake.finish(id)
      }
    }
    lastBucket = current
  }, BUCKET_MS).unref()
}

process.on('message', (m: unknown) => {
  if (m !== 'stats') return
  const rows: { id: string; createdAt: number; durationMs: number | null; gets: number; status: string }[] = []
  let gets = 0
  for (const t of tasks.values()) {
    const g = (t.getsBefore ?? 0) + t.gets
    gets += g
    rows.push({ id: t.id, createdAt: t.createdAt, durationMs: t.durationMs ?? null, gets: g, status: t.status })
  }
  process.send!({ tasks: tasks.size, gets, rows: mode === 'lifecycle' ? rows : [] })
})
process.on('SIGTERM', () => void fake.close().finally(() => process.exit(0)))

console.log(`ready ${JSON.stringify({ url: fake.url, apiKey: fake.apiKey, mode })}`)
