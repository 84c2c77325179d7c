import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The first ```bash block under "## Two-minute walkthrough" in README.md, as written. */
function walkthroughBlock(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Two-minute walkthrough'))
  const m = /```bash\n([\s\S]*?)\n```/.exec(section)
  if (!m?.[1]) throw new Error('README.md has no ```bash block under "## Two-minute walkthrough"')
  return m[1]
}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise((resolve) => srv.close(resolve))
  return port
}

describe('the README walkthrough, pasted into bash', () => {
  it('installs before anything runs, waits for /healthz, polls to the end, fetches the MP4, and shows the balance', async () => {
    const block = walkthroughBlock()
    const lines = block.split('\n')
    // Install comes first and in the foreground: nothing after it may race it.
    const install = lines.findIndex((l) => /^npm ci\b/.test(l))
    expect(install, 'the block installs with `npm ci`').toBeGreaterThanOrEqual(0)
    expect(lines.slice(0, install).every((l) => l.trim() === '' || l.trim().startsWith('#'))).toBe(true)
    expect(lines[install]).not.toMatch(/&\s*(#.*)?$/)
    expect(block).toMatch(/healthz/)

    // This checkout is installed already, and its install built dist/ (the `prepare` script). The
    // test does not build again: a rebuild would rewrite dist/ under the other suites' running
    // servers, and a synchronous one stalls vitest's worker past its 60 s RPC timeout. A stale
    // build is no risk: bin/reelay.mjs runs the source when src/ is newer.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.prepare, 'the install step builds (the `prepare` script)').toMatch(/tsc/)
    const script = lines.filter((_, i) => i !== install).join('\n')

    const dataDir = mkdtempSync(path.join(tmpdir(), 'reelay-readme-'))
    const port = await freePort()
    // The block writes video.mp4 into the project folder; keep a developer's own file safe.
    const video = path.join(ROOT, 'video.mp4')
    const saved = existsSync(video) ? `${video}.saved-${process.pid}` : null
    if (saved) renameSync(video, saved)

    const child = spawn('bash', ['-e', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), REELAY_DATA_DIR: dataDir, REELAY_LOG_LEVEL: 'warn' },
      // Its own process group, so the backgrounded server is stopped with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.stderr.on('data', (b: Buffer) => (out += b.toString()))
    try {
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
      expect(code, out).toBe(0)
      expect(out).toMatch(/job job_\w+: succeeded/)
      // The last command prints the usage: 1000 granted, 160 captured, nothing held.
      const usage = JSON.parse(out.split('\n').filter((l) => l.startsWith('{') && l.includes('"balance"')).at(-1)!)
      expect(usage).toMatchObject({ balance: 840, reserved: 0 })
      const mp4 = readFileSync(video)
      expect(mp4.subarray(4, 8).toString()).toBe('ftyp')
      expect(statSync(video).size).toBeGreaterThan(1_000)
      // The CLI and the server used the one data dir the test gave them.
      expect(existsSync(path.join(dataDir, 'reelay.db'))).toBe(true)
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // Already gone.
      }
      rmSync(video, { force: true })
      if (saved) renameSync(saved, video)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 300_000)
})
