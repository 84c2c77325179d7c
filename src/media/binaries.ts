import { accessSync, constants, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

// The installer packages are CommonJS and resolve their platform binary at require time.
const require = createRequire(import.meta.url)

let ffmpeg: string | undefined
let ffprobe: string | undefined

/** First executable named `name` on PATH, or null. */
export function findOnPath(name: string): string | null {
  const exe = process.platform === 'win32' ? `${name}.exe` : name
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, exe)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here; keep looking
    }
  }
  return null
}

function bundled(pkg: string): string {
  const mod = require(pkg) as { path?: unknown }
  if (typeof mod.path !== 'string') throw new Error(`${pkg} did not provide a binary path`)
  return mod.path
}

/** A system ffmpeg wins (usually newer, distro-patched); else the bundled static build. */
export function ffmpegPath(): string {
  ffmpeg ??= findOnPath('ffmpeg') ?? bundled('@ffmpeg-installer/ffmpeg')
  return ffmpeg
}

export function ffprobePath(): string {
  ffprobe ??= findOnPath('ffprobe') ?? bundled('@ffprobe-installer/ffprobe')
  return ffprobe
}
