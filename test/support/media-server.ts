import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { runFfmpeg } from '../../src/media/run-ffmpeg.js'

/** Real media made with the bundled ffmpeg: name → ffmpeg arguments (output appended). */
const RECIPES: Record<string, string[]> = {
  'red-640x480.png': ['-f', 'lavfi', '-i', 'color=c=0xd02020:s=640x480', '-frames:v', '1'],
  'blue-640x480.png': ['-f', 'lavfi', '-i', 'color=c=0x2040d0:s=640x480', '-frames:v', '1'],
  'green-800x600.jpg': ['-f', 'lavfi', '-i', 'color=c=0x20b040:s=800x600', '-frames:v', '1', '-q:v', '3'],
  'small-120x100.png': ['-f', 'lavfi', '-i', 'color=c=0x808080:s=120x100', '-frames:v', '1'],
  'mid-300x300.png': ['-f', 'lavfi', '-i', 'color=c=0x808080:s=300x300', '-frames:v', '1'],
  'pic-500x500.gif': ['-f', 'lavfi', '-i', 'color=c=0x808080:s=500x500', '-frames:v', '1'],
  'clip-3s.mp4': ['-f', 'lavfi', '-i', 'testsrc=s=640x360:r=24:d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  'clip-20s.mp4': ['-f', 'lavfi', '-i', 'testsrc=s=160x120:r=8:d=20', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  'tone-3s.mp3': ['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:a', 'libmp3lame', '-b:a', '64k'],
  'tone-20s.mp3': ['-f', 'lavfi', '-i', 'sine=f=440:d=20', '-c:a', 'libmp3lame', '-b:a', '32k'],
}

const CACHE = path.join(tmpdir(), 'reelay-media-fixtures-v1')

/** Builds the fixtures once per machine (they are deterministic), then reads them. */
export async function mediaFixtures(): Promise<Record<string, Buffer>> {
  mkdirSync(CACHE, { recursive: true })
  const out: Record<string, Buffer> = {}
  for (const [name, args] of Object.entries(RECIPES)) {
    const file = path.join(CACHE, name)
    if (!existsSync(file)) {
      const part = path.join(CACHE, `${process.pid}-${name}`)
      await runFfmpeg(['-y', ...args, '-f', name.endsWith('.png') ? 'image2' : name.endsWith('.jpg') ? 'image2' : name.endsWith('.gif') ? 'gif' : name.endsWith('.mp3') ? 'mp3' : 'mp4', part], { timeoutMs: 60_000 })
      renameSync(part, file)
    }
    out[name] = readFileSync(file)
  }
  // Broken ones: text behind an image name, and files cut off after their magic bytes.
  out['text.png'] = Buffer.from('this is not an image, just text with a .png name\n')
  out['cut.mp4'] = out['clip-3s.mp4']!.subarray(0, 64)
  out['cut.png'] = out['red-640x480.png']!.subarray(0, 40)
  return out
}

export interface MediaServer {
  origin: string
  /** Example URLs (`https://example.com/photo.jpg`, `https://cdn.example.com/…`) pointed at real files here. */
  seeded(text: string): string
  /** A URL serving `name`; `as` overrides the path (e.g. a CDN id with no extension). */
  url(name: string, as?: string): string
  /** Requests seen per path. */
  hits(pathname: string): number
  close(): Promise<void>
}

/** `/any/<name>.<ext>` serves a valid file of the kind its extension suggests (seed examples' URLs). */
const BY_EXTENSION: Record<string, string> = { jpg: 'green-800x600.jpg', jpeg: 'green-800x600.jpg', png: 'red-640x480.png', mp4: 'clip-3s.mp4', mp3: 'tone-3s.mp3' }

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', mp4: 'video/mp4', mp3: 'audio/mpeg' }

/**
 * A real HTTP server on 127.0.0.1 serving the fixtures: `/f/<name>` (or any path given to
 * `url`), `/any/<anything>.<ext>`, `/status/<code>`, and `/hang` (never answers, for timeouts).
 */
export async function startMediaServer(files?: Record<string, Buffer>): Promise<MediaServer> {
  const media = files ?? (await mediaFixtures())
  const hits = new Map<string, number>()
  const routes = new Map<string, string>()
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    hits.set(pathname, (hits.get(pathname) ?? 0) + 1)
    const status = /^\/status\/(\d{3})$/.exec(pathname)
    if (status) return res.writeHead(Number(status[1])).end('nope')
    if (pathname === '/hang') return // never answers
    const name = routes.get(pathname) ?? (pathname.startsWith('/any/') ? BY_EXTENSION[pathname.split('.').pop() ?? ''] : undefined)
    const body = name ? media[name] : undefined
    if (!body) return res.writeHead(404).end('not found')
    // A CDN-style id says nothing useful about the type.
    const ext = pathname.includes('.') ? pathname.split('.').pop()! : ''
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': body.length }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    seeded: (text) => text.replaceAll('https://example.com/', `${origin}/any/`).replaceAll('https://cdn.example.com/', `${origin}/any/`),
    url(name, as) {
      const p = as ? `/${as.replace(/^\//, '')}` : `/f/${name}`
      routes.set(p, name)
      return `${origin}${p}`
    },
    hits: (p) => hits.get(p) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
