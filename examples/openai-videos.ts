// OpenAI-compatible Videos API with the official `openai` package: create, poll, download.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import OpenAI from 'openai'

const client = new OpenAI({ apiKey: process.env.REELAY_API_KEY, baseURL: `${process.env.REELAY_BASE_URL ?? 'http://127.0.0.1:8080'}/v1` })

let video = await client.videos.create({ model: 'sora-2', prompt: 'a corgi surfing a small wave, golden hour', seconds: '4', size: '1280x720' })
while (video.status === 'queued' || video.status === 'in_progress') {
  console.log(`${video.id}: ${video.status} ${video.progress}%`)
  await new Promise((r) => setTimeout(r, 1_000))
  video = await client.videos.retrieve(video.id)
}
if (video.status !== 'completed') throw new Error(`video ${video.status}: ${video.error?.message}`)
const content = await client.videos.downloadContent(video.id)
const file = path.join(process.env.OUT_DIR ?? '.', 'openai-video-ts.mp4')
await writeFile(file, Buffer.from(await content.arrayBuffer()))
console.log(`saved ${file}`)
