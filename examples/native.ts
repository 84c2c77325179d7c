// Native API (/v1, seed 000) with the TypeScript SDK: create, wait with progress, download.
// In your project: import { Reelay } from '@reelay/sdk'
import path from 'node:path'
import { Reelay } from '../packages/sdk/src/index.js'

// The key and server come from REELAY_API_KEY and REELAY_BASE_URL (or pass { apiKey, baseURL }).
const reelay = new Reelay()

const result = await reelay.videos.createAndWait(
  { prompt: 'cinematic drone shot over a futuristic city at dusk', size: '16:9_SMALL', duration: 4 },
  { onProgress: (job) => console.log(`${job.jobId}: ${job.status} ${job.progress}%`) },
)
const file = await reelay.download(result.jobId, { to: path.join(process.env.OUT_DIR ?? '.', 'native-sdk.mp4') })
console.log(`saved ${file.path} (${file.bytes} bytes)`)
