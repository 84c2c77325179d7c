import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'

/** The built dashboard (`vite build` in `npm ci`'s prepare): `web/dist`, beside `src/` and `dist/`. */
export const DASHBOARD_DIR = path.resolve(import.meta.dirname, '../../web/dist')

/**
 * Paths the dashboard never answers: they keep their own 404s in their dialect's shape, so a
 * client that mistypes an API path gets JSON, not a web page.
 */
export const API_PREFIXES = ['/v1', '/api', '/openapi', '/account', '/admin', '/files', '/docs', '/llms', '/healthz', '/readyz', '/metrics', '/internal', '/billing'] as const

export function isApiPath(url: string): boolean {
  const p = url.split('?')[0] ?? ''
  return API_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`) || p.startsWith(`${prefix}.`))
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

/**
 * No inline script and nothing from another host. Styles allow 'unsafe-inline' only because Radix
 * dialogs lock page scroll with an injected <style>; script-src stays 'self'. Media may come from
 * the S3 endpoint when results are stored there (signed URLs point at it).
 */
export function contentSecurityPolicy(mediaOrigins: readonly string[]): string {
  const media = ["'self'", 'data:', 'blob:', ...mediaOrigins].join(' ')
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media}`,
    `media-src ${media}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Where signed result links point when results live in S3 (an R2/MinIO endpoint, or AWS). */
export function mediaOriginsFor(config: Pick<Config, 'REELAY_S3_BUCKET' | 'REELAY_S3_ENDPOINT' | 'REELAY_S3_REGION'>): string[] {
  if (!config.REELAY_S3_BUCKET) return []
  if (config.REELAY_S3_ENDPOINT) return [new URL(config.REELAY_S3_ENDPOINT).origin]
  return [`https://${config.REELAY_S3_BUCKET}.s3.${config.REELAY_S3_REGION}.amazonaws.com`, `https://s3.${config.REELAY_S3_REGION}.amazonaws.com`]
}

interface Asset {
  body: Buffer
  type: string
}

function loadDir(dir: string, prefix = ''): Map<string, Asset> {
  const files = new Map<string, Asset>()
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    const rel = `${prefix}/${name}`
    if (statSync(full).isDirectory()) for (const [k, v] of loadDir(full, rel)) files.set(k, v)
    else files.set(rel, { body: readFileSync(full), type: TYPES[path.extname(name)] ?? 'application/octet-stream' })
  }
  return files
}

function wantsHtml(req: FastifyRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && /text\/html/.test(req.headers.accept ?? '')
}

/**
 * Serves the dashboard under `/`: hashed assets cached for a year, index.html never cached (so a
 * deploy is seen at once), and index.html for any other page the browser asks for (client routes).
 * Does nothing when the dashboard was not built, so the API still runs from a bare checkout.
 */
export function registerDashboardRoute(app: FastifyInstance, opts: { dir?: string; mediaOrigins?: readonly string[] } = {}): void {
  const dir = opts.dir ?? DASHBOARD_DIR
  if (!existsSync(path.join(dir, 'index.html'))) return
  const files = loadDir(dir)
  const index = files.get('/index.html')
  if (!index) return
  const csp = contentSecurityPolicy(opts.mediaOrigins ?? [])
  const secure = (reply: FastifyReply) => reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').header('x-frame-options', 'DENY')
  const page = (reply: FastifyReply) => secure(reply).header('content-security-policy', csp).header('cache-control', 'no-cache').type(index.type).send(index.body)

  app.get('/', async (_req, reply) => page(reply))
  for (const [name, file] of files) {
    if (name === '/index.html') continue
    // Vite names everything under assets/ by content hash: a new build is a new name.
    const cache = name.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600'
    app.get(name, async (_req, reply) => secure(reply).header('cache-control', cache).type(file.type).send(file.body))
  }
  // Client-side routes (/keys, /jobs/job_…): any other page a browser navigates to gets the app,
  // which renders its own "not found". API paths and non-HTML requests keep the dialect's 404.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.is404 || !wantsHtml(req) || isApiPath(req.url)) return
    return page(reply)
  })
}
