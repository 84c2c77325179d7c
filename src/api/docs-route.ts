import { createReadStream } from 'node:fs'
import { createRequire } from 'node:module'
import { loadPages, withBaseUrl, type DocPage } from '../docs-site/pages.js'
import { indexHtml, pageHtml, referenceHtml } from '../docs-site/html.js'
import { llmsFullTxt, llmsTxt } from '../docs-site/llms.js'
import { AppError } from '../errors.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'

const SCALAR_BUNDLE = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js')

/**
 * The server the reader reached, for the examples they will paste: REELAY_PUBLIC_URL when the
 * operator set it, else this request's own scheme and host.
 */
function baseUrlOf(req: FastifyRequest, config: Config): string {
  if (config.REELAY_PUBLIC_URL) return config.publicUrl
  const host = req.host
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(host) ? `${req.protocol}://${host}` : config.publicUrl
}

/**
 * The docs site: `/docs` (guides as HTML, each with a "Copy for AI" button and its raw Markdown
 * at `/docs/<page>.md`), `/docs/reference` (Scalar over /openapi.json) and `/llms.txt`,
 * `/llms-full.txt`. Public, and offline: everything is served from this process. `documents` are
 * the APIs with an OpenAPI document of their own (`/openapi/<name>.json`, the dialects).
 */
export function registerDocsRoutes(app: FastifyInstance, config: Config, documents: readonly string[]): void {
  let cache: DocPage[] | null = null
  const pages = () => (cache ??= loadPages())
  const find = (slug: string) => {
    const page = pages().find((p) => p.slug === slug)
    if (!page) throw new AppError('not_found', `No docs page ${slug}; the index is /docs.`)
    return page
  }
  const opts = { config: { dialect: 'native' } }
  const html = 'text/html; charset=utf-8'
  const md = 'text/markdown; charset=utf-8'
  const text = 'text/plain; charset=utf-8'

  app.get('/docs', opts, async (req, reply) => reply.type(html).send(indexHtml(pages(), baseUrlOf(req, config))))
  app.get('/docs/reference', opts, async (_req, reply) => reply.type(html).send(referenceHtml()))
  app.get<{ Params: { api: string } }>('/docs/reference/:api', opts, async (req, reply) => {
    // One API's reference: the dialect's own document, named like its page (api/<dialect>).
    const api = find(`api/${req.params.api}`).slug.slice('api/'.length)
    // The session APIs (accounts, admin) and billing are no dialect: their routes are in the whole document.
    return reply.type(html).send(referenceHtml(documents.includes(api) ? `/openapi/${api}.json` : '/openapi.json'))
  })
  app.get('/docs/assets/scalar.js', opts, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(createReadStream(SCALAR_BUNDLE)))
  app.get<{ Params: { '*': string } }>('/docs/*', opts, async (req, reply) => {
    const name = req.params['*'].replace(/\/+$/, '')
    if (name.endsWith('.md')) return reply.type(md).send(withBaseUrl(find(name.slice(0, -3)).markdown, baseUrlOf(req, config)))
    return reply.type(html).send(pageHtml(find(name), pages(), baseUrlOf(req, config)))
  })
  app.get('/llms.txt', opts, async (req, reply) => reply.type(text).send(llmsTxt(pages(), baseUrlOf(req, config))))
  app.get('/llms-full.txt', opts, async (req, reply) => reply.type(text).send(llmsFullTxt(pages(), baseUrlOf(req, config))))
}
