import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** The project root: two levels above this file in src/ (tsx) and in dist/ (the build). */
const ROOT = path.resolve(import.meta.dirname, '../..')

export interface DocPage {
  /** URL name under /docs: `quickstart`, `api/native`. */
  slug: string
  title: string
  /** The first paragraph: the page's line in llms.txt. */
  summary: string
  /** Path from the project root (links between pages are resolved against it). */
  source: string
  markdown: string
}

/** The customer's documentation, in reading order; a guide that does not exist (yet) is left out. */
const GUIDES: { slug: string; source: string }[] = [
  { slug: 'quickstart', source: 'docs/quickstart.md' },
  { slug: 'cli', source: 'docs/cli.md' },
  { slug: 'sdk', source: 'packages/sdk/README.md' },
  { slug: 'api/native', source: 'docs/api/native.md' },
  { slug: 'api/tasks', source: 'docs/api/tasks.md' },
  { slug: 'api/jobs', source: 'docs/api/jobs.md' },
  { slug: 'api/open', source: 'docs/api/open.md' },
  { slug: 'api/openai', source: 'docs/api/openai.md' },
  { slug: 'webhooks', source: 'docs/webhooks.md' },
  { slug: 'errors', source: 'docs/errors.md' },
  { slug: 'billing', source: 'docs/billing.md' },
  { slug: 'references', source: 'docs/references.md' },
  { slug: 'prompts', source: 'docs/prompts.md' },
  { slug: 'deploy', source: 'docs/deploy.md' },
]

/** The placeholder hosts the examples are written with; served docs carry the reader's server instead. */
const PLACEHOLDER_HOSTS = /https?:\/\/(?:127\.0\.0\.1:8080|localhost:8080|reelay\.example\.com)/g

function summaryOf(markdown: string): string {
  const paras = markdown.split(/\n\s*\n/).map((p) => p.trim())
  const first = paras.find((p) => p && !p.startsWith('#') && !p.startsWith('```') && !p.startsWith('|') && !p.startsWith('-'))
  return (first ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .slice(0, 300)
}

/** The guides above, plus any API page in docs/api/ that the list does not name yet (after the others). */
function guides(root: string): { slug: string; source: string }[] {
  const known = new Set(GUIDES.map((g) => g.source))
  const extra = readdirSync(path.join(root, 'docs/api'))
    .filter((f) => f.endsWith('.md') && !known.has(`docs/api/${f}`))
    .map((f) => ({ slug: `api/${f.slice(0, -3)}`, source: `docs/api/${f}` }))
  const at = GUIDES.findIndex((g) => g.slug === 'webhooks')
  return [...GUIDES.slice(0, at), ...extra, ...GUIDES.slice(at)]
}

/** Reads every page from disk (a few dozen KB; read once per process). */
export function loadPages(root = ROOT): DocPage[] {
  return guides(root)
    .filter((g) => existsSync(path.join(root, g.source)))
    .map((g) => {
      const markdown = readFileSync(path.join(root, g.source), 'utf8')
      const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? g.slug
      return { ...g, title, summary: summaryOf(markdown), markdown }
    })
}

/**
 * The page's Markdown for one reader: inside code (fenced blocks and inline spans), where the
 * copy-paste examples are, the placeholder host becomes `baseUrl`. Prose keeps its wording.
 */
export function withBaseUrl(markdown: string, baseUrl: string): string {
  return markdown.replace(/```[\s\S]*?```|`[^`\n]+`/g, (code) => code.replace(PLACEHOLDER_HOSTS, baseUrl))
}

/**
 * A link in a page's Markdown, as the site serves it: another page → `/docs/<slug>` (keeping its
 * #anchor); anything else stays as written.
 */
export function siteHref(href: string, from: DocPage, pages: DocPage[]): string {
  if (/^[a-z]+:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return href
  const [file = '', anchor] = href.split('#')
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from.source), file))
  const page = pages.find((p) => p.source === target)
  if (!page) return href
  return `/docs/${page.slug}${anchor ? `#${anchor}` : ''}`
}
