import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { createSdkHarness, type SdkHarness } from '../support/sdk.js'
import type { CustomerIo } from '../../src/cli/customer/failure.js'

let h: SdkHarness
let dir: string

beforeAll(async () => {
  h = await createSdkHarness()
  dir = mkdtempSync(path.join(tmpdir(), 'reelay-customer-cli-'))
})
afterAll(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

/**
 * `reelay …` in this process, as a customer's shell runs it: its own config dir, the server's
 * URL, and the SDK's waits driving the harness clock and worker instead of sleeping.
 */
function cliAs(env: Record<string, string>, extra: Partial<CustomerIo> = {}) {
  return async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const io: CustomerIo = {
      env: { XDG_CONFIG_HOME: path.join(dir, 'config'), REELAY_BASE_URL: h.baseURL, ...env },
      out: (t) => void (stdout += t),
      err: (t) => void (stderr += t),
      exitCode: 0,
      sdk: { sleep: h.sleep, now: () => h.clock.now() },
      ...extra,
    }
    const code = await runCli(args, io)
    return { code, stdout, stderr }
  }
}

function png(file: string, width = 640, height = 480): string {
  const img = new PNG({ width, height })
  img.data.fill(180)
  writeFileSync(file, PNG.sync.write(img))
  return file
}

/** Runs the worker while a call that waits on the server side (an image edit) is in flight. */
async function whileDraining<T>(p: Promise<T>): Promise<T> {
  let done = false
  const result = p.finally(() => (done = true))
  while (!done) {
    await h.rt.worker.drain()
    await new Promise((r) => setTimeout(r, 20))
  }
  return result
}

describe('reelay login', () => {
  it('checks the key first, saves URL and key readable only by the user, and env overrides it', async () => {
    const c = await h.customer(1_000)
    const cfg = path.join(dir, 'login-home')
    const cli = cliAs({ XDG_CONFIG_HOME: cfg, REELAY_BASE_URL: '' })
    const file = path.join(cfg, 'reelay', 'login.json')

    const wrong = await cli('login', '--base-url', h.baseURL, '--key', 'sk_live_wrong')
    expect(wrong.code).toBe(4)
    expect(wrong.stderr).toMatch(/unauthorized/)
    expect(() => statSync(file)).toThrow()

    const ok = await cli('login', '--base-url', `${h.baseURL}/`, '--key', c.key)
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/Logged in to http:\/\/127\.0\.0\.1:\d+ .*1000 credits available/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ baseUrl: h.baseURL, apiKey: c.key })

    const usage = await cli('usage')
    expect(usage.code).toBe(0)
    expect(usage.stdout).toMatch(/^Available 1000 credits \(balance 1000, held by running jobs 0\)/)
    const overridden = await cliAs({ XDG_CONFIG_HOME: cfg, REELAY_API_KEY: 'sk_live_other' })('usage', '--json')
    expect(overridden.code).toBe(4)
    expect(JSON.parse(overridden.stdout)).toMatchObject({ error: { code: 'unauthorized' }, exitCode: 4 })
  })
})

describe('reelay video and image', () => {
  it('video --out waits with plain progress lines off a terminal, then saves the MP4', async () => {
    const c = await h.customer(1_000)
    const out = path.join(dir, 'city.mp4')
    const r = await cliAs({ REELAY_API_KEY: c.key })('video', 'drone shot over a city', '--duration', '4', '--resolution', '480p', '--out', out)
    expect(r.code, r.stderr).toBe(0)
    const id = /Submitted (job_\w+) \(video, seedance-2\.0-fast\): queued, (\d+) credits held/.exec(r.stdout)
    expect(id).not.toBeNull()
    expect(r.stdout).toContain(`${id![1]}: queued 0% (`)
    expect(r.stdout).toMatch(new RegExp(`${id![1]}: succeeded 100% \\(\\d+:\\d\\d\\)`))
    expect(r.stdout).toMatch(/Saved .*city\.mp4 \(\d+ bytes, video\/mp4\)/)
    expect(readFileSync(out).subarray(4, 8).toString()).toBe('ftyp')
    const usage = JSON.parse((await cliAs({ REELAY_API_KEY: c.key })('usage', '--json')).stdout)
    expect(usage).toMatchObject({ balance: 1_000 - Number(id![2]), reserved: 0 })
  })

  it('image --wait --json prints the finished job and its links; jobs list, get and download find it', async () => {
    const c = await h.customer(1_000)
    const cli = cliAs({ REELAY_API_KEY: c.key })
    const r = await cli('image', 'a red kite', '--ratio', '16:9', '--resolution', '1K', '--wait', '--json')
    expect(r.code, r.stderr).toBe(0)
    const done = JSON.parse(r.stdout)
    expect(done.job).toMatchObject({ status: 'succeeded', type: 'image', model: 'gpt-image-2' })
    expect(done.result.outputs[0]).toMatchObject({ mimeType: 'image/png', width: expect.any(Number) })
    const id = done.job.jobId as string

    const list = await cli('jobs', 'list', '--json')
    expect(JSON.parse(list.stdout).map((j: { jobId: string }) => j.jobId)).toEqual([id])
    expect((await cli('jobs', 'list')).stdout).toMatch(new RegExp(`^id +type +model +status.*\\n${id} +image +gpt-image-2 +succeeded +100%`))
    expect((await cli('jobs', 'get', id)).stdout).toMatch(new RegExp(`^${id}  image gpt-image-2  succeeded 100%`))
    const target = path.join(dir, 'kite.png')
    const dl = await cli('jobs', 'download', id, '--out', target)
    expect(dl.code, dl.stderr).toBe(0)
    expect(readFileSync(target).subarray(1, 4).toString()).toBe('PNG')
  })

  it('uploads a local start frame, and local reference images, through the API', async () => {
    const c = await h.customer(2_000)
    const cli = cliAs({ REELAY_API_KEY: c.key })
    const frame = png(path.join(dir, 'frame.png'))
    const v = await cli('video', 'the frame comes alive', '--image', frame, '--duration', '4', '--resolution', '480p', '--json')
    expect(v.code, v.stdout + v.stderr).toBe(0)
    const job = JSON.parse(v.stdout)
    expect(job).toMatchObject({ jobId: expect.stringMatching(/^job_/), status: 'queued', type: 'video' })
    await h.rt.worker.drain()
    expect((await cli('jobs', 'get', job.jobId, '--json')).stdout).toContain('"succeeded"')

    const out = path.join(dir, 'edit.png')
    const i = await whileDraining(cli('image', 'the same, in winter', '--image', frame, '--out', out))
    expect(i.code, i.stdout + i.stderr).toBe(0)
    expect(i.stdout).toMatch(/Uploading 1 reference file/)
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG')
  })
})

describe('reelay quote', () => {
  it('prices a render before it runs, at what the render then holds, holding nothing', async () => {
    const c = await h.customer(1_000)
    const cli = cliAs({ REELAY_API_KEY: c.key })
    const flags = ['--duration', '5', '--resolution', '720p', '--ratio', '16:9']
    const q = await cli('quote', 'video', 'a quiet harbour at dawn', ...flags, '--json')
    expect(q.code, q.stderr).toBe(0)
    const quote = JSON.parse(q.stdout)
    expect(quote).toMatchObject({ credits: expect.any(Number), available: 1_000, breakdown: expect.any(Array) })
    expect(JSON.parse((await cli('usage', '--json')).stdout)).toMatchObject({ reserved: 0 })
    expect((await cli('quote', 'video', 'a quiet harbour at dawn', ...flags)).stdout).toMatch(new RegExp(`^${quote.credits} credits \\(you have 1000 available\\)`))
    const job = JSON.parse((await cli('video', 'a quiet harbour at dawn', ...flags, '--json')).stdout)
    expect(job.chargedCredits).toBe(quote.credits)
    await h.rt.worker.drain()
  })
})

describe('exit codes', () => {
  it('bad input exits 2 naming the field, before or by the server; nothing is held', async () => {
    const c = await h.customer(1_000)
    const cli = cliAs({ REELAY_API_KEY: c.key })
    const server = await cli('video', 'too long a clip', '--duration', '99')
    expect(server.code).toBe(2)
    expect(server.stderr).toMatch(/^error: .*duration.*\[invalid_request, duration\]/)
    const local = await cli('video', 'a clip', '--resolution', '8k')
    expect(local).toMatchObject({ code: 2, stderr: expect.stringContaining('--resolution must be one of 480p, 720p, 1080p') })
    expect((await cli('video', 'a clip', '--ref-image', 'frame.png')).stderr).toContain('must be an https URL (only --image can be a local file)')
    expect((await cli('video', 'a clip', '--image', path.join(dir, 'missing.png'))).code).toBe(2)
    expect((await cli('video', 'a clip', '--no-such-flag')).code).toBe(2)
    expect((await cli('video')).code).toBe(2)
    expect(JSON.parse((await cli('usage', '--json')).stdout)).toMatchObject({ available: 1_000, reserved: 0 })
  })

  it('too few credits exits 5 with the server’s reason', async () => {
    const c = await h.customer(10)
    const r = await cliAs({ REELAY_API_KEY: c.key })('video', 'an expensive epic', '--json')
    expect(r.code).toBe(5)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'insufficient_credits' }, exitCode: 5 })
  })

  it('Ctrl-C stops waiting, not the job, and says how to resume; a cancelled job exits 3', async () => {
    const c = await h.customer(1_000)
    let interrupt = () => {}
    // The first wait never runs the worker: it is interrupted on its first poll.
    const cli = cliAs(
      { REELAY_API_KEY: c.key },
      {
        onInterrupt: (stop) => ((interrupt = stop), () => {}),
        sdk: { sleep: async (_ms, signal) => (interrupt(), signal?.throwIfAborted()), now: () => h.clock.now() },
      },
    )
    const r = await cli('image', 'patience', '--wait')
    expect(r.code).toBe(130)
    const id = /Submitted (job_\w+)/.exec(r.stdout)![1]!
    expect(r.stderr).toContain(`Stopped waiting; ${id} keeps running on the server. Resume with: reelay jobs wait ${id}`)
    const plain = cliAs({ REELAY_API_KEY: c.key })
    expect(JSON.parse((await plain('jobs', 'get', id, '--json')).stdout).status).toBe('queued')
    expect((await plain('jobs', 'cancel', id)).stdout).toBe(`Cancelled ${id}; its held credits were released.\n`)
    const waited = await plain('jobs', 'wait', id)
    expect(waited.code).toBe(3)
    expect(waited.stdout).toMatch(/cancelled/)
    expect((await plain('jobs', 'cancel', id)).code).toBe(2)
  })
})
