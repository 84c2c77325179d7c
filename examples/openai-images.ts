// OpenAI-compatible Images API with the official `openai` package: only baseURL and apiKey change.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import OpenAI from 'openai'

const client = new OpenAI({ apiKey: process.env.REELAY_API_KEY, baseURL: `${process.env.REELAY_BASE_URL ?? 'http://127.0.0.1:8080'}/v1` })

const image = await client.images.generate({ model: 'gpt-image-1', prompt: 'a cozy reading nook, soft morning light', size: '1536x1024', quality: 'low' })
const file = path.join(process.env.OUT_DIR ?? '.', 'openai-image-ts.png')
await writeFile(file, Buffer.from(image.data![0]!.b64_json!, 'base64'))
console.log(`saved ${file}`)
