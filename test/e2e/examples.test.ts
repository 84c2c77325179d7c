import { execFile, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedDatabase } from '../support/harness.js'
import { freePort, kill9, startServer } from '../support/server-process.js'
import { cliWith } from '../support/cli.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')
// The TypeScript examples run as `npx tsx examples/x.ts` would, from any folder.
const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-examples-'))
let server: ChildProcess
let database: Awaited<ReturnType<typeof sharedDatabase>>
let base: string
let operator: ReturnType<typeof cliWith>

/** A fresh account with `credits` and its key (operator CLI, in-process). */
async function customer(name: string, credits: number): Promise<string> {
  await operator('accounts', 'create', name, '--credits', String(credits))
  return JSON.parse((await operator('keys', 'create', '--account', name, '--json')).stdout).key as string
}

/** Runs a command as a customer would, in its own output folder; resolves with its exit code and output. */
async function runAs(key: string, out: string, file: string, args: string[], extraEnv: Record<string, string> = {}) {
  const env = { ...process.env, REELAY_BASE_URL: base, REELAY_API_KEY: key, OUT_DIR: out, XDG_CONFIG_HOME: path.join(dir, 'config'), ...extraEnv }
  return run(file, args, { cwd: out, env, timeout: 180_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  )
}

const magic = (file: string) => {
  const b = readFileSync(file)
  return b.subarray(4, 8).toString() === 'ftyp' ? 'mp4' : b.subarray(1, 4).toString() === 'PNG' ? 'png' : 'unknown'
}

beforeAll(async () => {
  database = await sharedDatabase(dir)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  server = await startServer({ ...database.env, PORT: String(port) })
  operator = cliWith({ ...database.env, REELAY_LOG_LEVEL: 'silent' })
}, 120_000)

afterAll(async () => {
  if (server) await kill9(server)
  await database?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const EXAMPLES: [string, string][] = [
  ['native', 'mp4'],
  ['tasks', 'mp4'],
  ['jobs', 'mp4'],
  ['open', 'mp4'],
  ['openai-images', 'png'],
  ['openai-videos', 'mp4'],
]

describe('examples/ against a live server', () => {
  it('has a curl and a TypeScript example for every API', () => {
    const files = readdirSync(path.join(root, 'examples'))
    for (const [name] of EXAMPLES) expect(files).toEqual(expect.arrayContaining([`${name}.sh`, `${name}.ts`]))
  })

  for (const [name, kind] of EXAMPLES) {
    it(`${name}: the curl and the TypeScript example each save a ${kind}`, async () => {
      const key = await customer(`ex-${name}`, 5_000)
      const out = mkdtempSync(path.join(dir, `${name}-`))
      const sh = await runAs(key, out, 'bash', [path.join(root, 'examples', `${name}.sh`)])
      expect(sh.code, sh.stdout + sh.stderr).toBe(0)
      const ts = await runAs(key, out, process.execPath, ['--import', tsx, path.join(root, 'examples', `${name}.ts`)])
      expect(ts.code, ts.stdout + ts.stderr).toBe(0)
      const saved = readdirSync(out)
      expect(saved).toHaveLength(2)
      for (const f of saved) expect(magic(path.join(out, f)), f).toBe(kind)
    })
  }
})

describe('skills/reelay against a live server', () => {
  const script = (s: string) => path.join(root, 'skills/reelay/scripts', s)
  const cli = `${process.execPath} ${path.join(root, 'bin/reelay.mjs')}`

  it('turns a casual request into a cinematic shot, quotes it, renders it through the CLI and saves the MP4', async () => {
    const key = await customer('skill', 5_000)
    const out = mkdtempSync(path.join(dir, 'skill-'))
    const spec = await runAs(key, out, process.execPath, [
      script('cinematic-prompt.mjs'),
      'make a vertical 4 second video of a ginger cat chasing autumn leaves at sunset',
      '--camera',
      'low tracking shot',
    ])
    expect(spec.code, spec.stderr).toBe(0)
    const shot = JSON.parse(spec.stdout)
    expect(shot).toMatchObject({
      kind: 'video',
      subject: 'a ginger cat',
      action: 'chasing autumn leaves at sunset',
      camera: 'low tracking shot',
      lighting: expect.stringContaining('golden-hour'),
      duration: 4,
      ratio: '9:16',
    })
    expect(shot.prompt).toMatch(/^A ginger cat chasing autumn leaves at sunset\. Camera: low tracking shot\. Lighting: .+\. Style: .+\.$/)
    writeFileSync(path.join(out, 'shot.json'), spec.stdout)

    const r = await runAs(key, out, process.execPath, [script('render.mjs'), '--spec', 'shot.json', '--out', 'cat.mp4', '--resolution', '480p'], { REELAY_CLI: cli })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    // The quoted price comes first, then the CLI's progress lines.
    expect(r.stdout).toMatch(/^Price: \d+ credits \(\d+ available\)\./)
    expect(r.stdout).toMatch(/job_\w+: succeeded 100%/)
    const result = JSON.parse(/^RESULT (.+)$/m.exec(r.stdout)![1]!)
    expect(result).toMatchObject({ kind: 'video', out: 'cat.mp4', jobId: expect.stringMatching(/^job_/), prompt: shot.prompt })
    expect(magic(path.join(out, 'cat.mp4'))).toBe('mp4')
  })

  it('stops with exit 5 and plain advice when the account cannot pay; nothing is held', async () => {
    const key = await customer('skill-poor', 10)
    const out = mkdtempSync(path.join(dir, 'skill-poor-'))
    writeFileSync(path.join(out, 'shot.json'), JSON.stringify({ kind: 'video', prompt: 'An epic battle at dawn. Camera: aerial. Lighting: dawn. Style: cinematic.', duration: 10, ratio: '16:9' }))
    const r = await runAs(key, out, process.execPath, [script('render.mjs'), '--spec', 'shot.json'], { REELAY_CLI: cli })
    expect(r.code, r.stdout + r.stderr).toBe(5)
    expect(r.stdout).toMatch(/Not enough credits/)
    expect(readdirSync(out)).toEqual(['shot.json'])
    const usage = await runAs(key, out, process.execPath, [path.join(root, 'bin/reelay.mjs'), 'usage', '--json'])
    expect(JSON.parse(usage.stdout)).toMatchObject({ balance: 10, reserved: 0 })
  })

  it('refuses a spec without a prompt, and says how to log in when there is no key', async () => {
    const out = mkdtempSync(path.join(dir, 'skill-bad-'))
    writeFileSync(path.join(out, 'shot.json'), JSON.stringify({ kind: 'video' }))
    expect((await runAs('', out, process.execPath, [script('render.mjs'), '--spec', 'shot.json'], { REELAY_CLI: cli })).code).toBe(2)
    writeFileSync(path.join(out, 'shot.json'), JSON.stringify({ kind: 'image', prompt: 'A lighthouse in fog.' }))
    const r = await runAs('', out, process.execPath, [script('render.mjs'), '--spec', 'shot.json'], { REELAY_CLI: cli })
    expect(r.code).toBe(4)
    expect(r.stdout).toMatch(/Not logged in .*reelay login/)
  })
})
