import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedDatabase } from '../support/harness.js'
import { freePort, kill9, startServer } from '../support/server-process.js'
import { cliWith } from '../support/cli.js'

const root = path.resolve(import.meta.dirname, '../..')
const bin = path.join(root, 'bin/reelay.mjs')
const dir = mkdtempSync(path.join(tmpdir(), 'reelay-cli-pty-'))
const socket = path.join(dir, 'tmux.sock')
let server: ChildProcess
let database: Awaited<ReturnType<typeof sharedDatabase>>
let env: Record<string, string>

const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Starts `reelay …` in a real pseudo-terminal (a tmux pane, 120×30): stdout is a TTY, as in a customer's shell. */
function start(name: string, args: string[]): void {
  const exports = Object.entries(env).map(([k, v]) => `${k}='${v}'`)
  const line = `cd '${dir}' && env ${exports.join(' ')} '${process.execPath}' '${bin}' ${args.map((a) => `'${a}'`).join(' ')}; echo EXIT=$?; sleep 600`
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '30', line)
}

/** Every distinct screen of the pane (wrapped lines joined) until `until` matches one. */
async function screensUntil(name: string, until: RegExp): Promise<string[]> {
  const screens: string[] = []
  for (let i = 0; i < 1_200; i++) {
    const screen = tmux('capture-pane', '-p', '-J', '-t', name)
    if (screen !== screens.at(-1)) screens.push(screen)
    if (until.test(screen)) return screens
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the terminal never showed ${until}:\n${screens.at(-1)}`)
}

/** Runs a command to its end in a terminal; its screens, the last with `EXIT=<code>`. */
async function inTerminal(name: string, args: string[]): Promise<string[]> {
  start(name, args)
  try {
    return await screensUntil(name, /EXIT=\d+/)
  } finally {
    tmux('kill-session', '-t', name)
  }
}

beforeAll(async () => {
  database = await sharedDatabase(dir)
  const port = await freePort()
  // Each render takes 4 s, so the bar is seen moving and there is time to press Ctrl-C.
  server = await startServer({ ...database.env, PORT: String(port), REELAY_STUDIO_LATENCY_MS: '4000' })
  const operator = cliWith({ ...database.env, REELAY_LOG_LEVEL: 'silent' })
  await operator('accounts', 'create', 'pty', '--credits', '5000')
  const key = JSON.parse((await operator('keys', 'create', '--account', 'pty', '--json')).stdout).key as string
  env = { REELAY_BASE_URL: `http://127.0.0.1:${port}`, REELAY_API_KEY: key, XDG_CONFIG_HOME: path.join(dir, 'config'), TERM: 'xterm-256color' }
  // Keeps the tmux server up between sessions: when the last session is killed the server exits,
  // and a new-session started meanwhile fails with "server exited unexpectedly" (seen in CI).
  tmux('new-session', '-d', '-s', 'keepalive', 'sleep 3600')
}, 120_000)

afterAll(async () => {
  try {
    tmux('kill-server')
  } catch {
    // No session left.
  }
  if (server) await kill9(server)
  await database?.drop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the customer CLI in a terminal', () => {
  it('video --out draws a live bar (percent, status, elapsed), then saves the MP4', async () => {
    const screens = await inTerminal('render', ['video', 'a paper boat on a rainy street', '--duration', '4', '--resolution', '480p', '--out', 'boat.mp4'])
    const last = screens.at(-1)!
    expect(last, last).toContain('EXIT=0')
    const id = /Submitted (job_\w+)/.exec(last)![1]!
    // The bar redraws in place: some screen showed it part-way, running.
    const bar = new RegExp(`${id} \\[[█░]{30}\\] (\\d+)% \\| (\\w+) \\| (\\d+:\\d\\d)`)
    const seen = screens.map((s) => bar.exec(s)).filter((m) => m !== null)
    expect(
      seen.some((m) => m[2] === 'processing' && Number(m[1]) > 0 && Number(m[1]) < 100),
      screens.join('\n----\n'),
    ).toBe(true)
    expect(last).toMatch(new RegExp(`${id} \\[█{30}\\] 100% \\| succeeded \\| \\d+:\\d\\d`))
    expect(last).toMatch(/Saved boat\.mp4 \(\d+ bytes, video\/mp4\)/)
    expect(readFileSync(path.join(dir, 'boat.mp4')).subarray(4, 8).toString()).toBe('ftyp')
  })

  it('Ctrl-C stops waiting, not the job, and prints how to resume; jobs wait picks it up', async () => {
    const name = 'interrupt'
    start(name, ['image', 'a lighthouse in fog', '--wait'])
    const id = /Submitted (job_\w+)/.exec((await screensUntil(name, /\| processing \|/)).at(-1)!)![1]!
    tmux('send-keys', '-t', name, 'C-c')
    const stopped = (await screensUntil(name, /EXIT=\d+/)).at(-1)!
    tmux('kill-session', '-t', name)
    expect(stopped).toContain(`Stopped waiting; ${id} keeps running on the server. Resume with: reelay jobs wait ${id}`)
    expect(stopped).toContain('EXIT=130')
    const after = await inTerminal('check', ['jobs', 'get', id])
    expect(after.at(-1)).toMatch(new RegExp(`${id} .*(processing|succeeded)`))
    const resumed = await inTerminal('resume', ['jobs', 'wait', id, '--out', 'lighthouse.png'])
    expect(resumed.at(-1)).toContain('EXIT=0')
    expect(readFileSync(path.join(dir, 'lighthouse.png')).subarray(1, 4).toString()).toBe('PNG')
  })
})
