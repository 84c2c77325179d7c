/**
 * The mock OpenAI Images upstream for `sync-image.ts`, in its own process so its CPU is not the
 * gateways' nor the load generator's:
 *
 *   node --import tsx bench/openai-mock.ts
 *
 * It is the fake of the tests (`test/support/fakes/openai-server.ts`): it checks the Bearer key
 * and the body as the Images API does and answers `POST /v1/images/generations` at once with
 * `{created, data: [{b64_json}], usage, …}` and a real PNG (8×8, about 130 bytes). Its request log is dropped
 * every second so memory stays flat under load. Prints `ready {"url","apiKey"}`.
 */
import { startFakeOpenAi } from '../test/support/fakes/openai-server.js'

const fake = await startFakeOpenAi()
let served = 0
setInterval(() => {
  served += fake.requests.length
  fake.reset()
}, 1000).unref()

process.on('SIGTERM', () => void fake.close().finally(() => process.exit(0)))
process.on('message', (m: unknown) => {
  if (m === 'stats') process.send?.({ served: served + fake.requests.length })
})

console.log(`ready ${JSON.stringify({ url: fake.url, apiKey: fake.apiKey })}`)
