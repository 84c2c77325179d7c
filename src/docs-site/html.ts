import { Marked, type Token } from 'marked'
import { siteHref, withBaseUrl, type DocPage } from './pages.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/* Inline, so the site needs nothing from anywhere else (offline, no CDN). */
const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;display:flex;min-height:100vh}
nav{width:240px;flex:none;background:#f6f6f8;border-right:1px solid #e3e3e8;padding:20px 16px;position:sticky;top:0;height:100vh;overflow:auto}
nav a{display:block;color:#333;text-decoration:none;padding:3px 8px;border-radius:6px}nav a:hover,nav a.here{background:#e4e4ea}
nav h2{font-size:13px;text-transform:uppercase;color:#888;margin:18px 8px 4px}
main{flex:1;max-width:900px;padding:24px 40px;overflow-x:auto}
pre{background:#f4f4f7;padding:12px;border-radius:8px;overflow:auto}code{font:13px ui-monospace,Menlo,monospace}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top}
.bar{display:flex;gap:8px;justify-content:flex-end;align-items:center}.bar a,.bar button{font:inherit;font-size:13px;padding:4px 10px;border:1px solid #ccc;border-radius:6px;background:#fff;color:#333;text-decoration:none;cursor:pointer}
`

/* Copies the page's raw Markdown (with this server's URL in it) for pasting into an AI tool. */
const COPY_SCRIPT = `
document.querySelectorAll('[data-copy-md]').forEach(function (b) {
  b.addEventListener('click', function () {
    fetch(b.getAttribute('data-copy-md')).then(function (r) { return r.text() }).then(function (md) {
      var done = function () { b.textContent = 'Copied' ; setTimeout(function () { b.textContent = 'Copy for AI' }, 1500) }
      if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(md).then(done)
      var t = document.createElement('textarea'); t.value = md; document.body.appendChild(t); t.select(); document.execCommand('copy'); t.remove(); done()
    })
  })
})
`

function nav(pages: DocPage[], here: string): string {
  const link = (href: string, title: string, slug: string) => `<a href="${href}"${slug === here ? ' class="here"' : ''}>${esc(title)}</a>`
  const guides = pages.filter((p) => !p.slug.startsWith('api/'))
  const apis = pages.filter((p) => p.slug.startsWith('api/'))
  return `<nav><a href="/docs"><strong>Reelay docs</strong></a>
<h2>Guides</h2>${guides.map((p) => link(`/docs/${p.slug}`, p.title, p.slug)).join('')}
<h2>APIs</h2>${link('/docs/reference', 'API reference (OpenAPI)', 'reference')}${apis.map((p) => link(`/docs/${p.slug}`, p.title.replace(/\s*\(.*$/, ''), p.slug)).join('')}
<h2>For AI tools</h2><a href="/llms.txt">llms.txt</a><a href="/llms-full.txt">llms-full.txt</a></nav>`
}

function shell(title: string, body: string, pages: DocPage[], here: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)} · Reelay</title><style>${STYLE}</style></head><body>${nav(pages, here)}<main>${body}</main><script>${COPY_SCRIPT}</script></body></html>`
}

function copyBar(mdUrl: string, reference?: string): string {
  const ref = reference ? `<a href="${reference}">API reference</a>` : ''
  return `<div class="bar">${ref}<button type="button" data-copy-md="${mdUrl}">Copy for AI</button><a href="${mdUrl}">Markdown</a></div>`
}

/** One guide as HTML: its Markdown with the reader's base URL, links to other pages kept on the site. */
export function pageHtml(page: DocPage, pages: DocPage[], baseUrl: string): string {
  const marked = new Marked({
    gfm: true,
    walkTokens(token: Token) {
      if (token.type === 'link') token.href = siteHref(token.href, page, pages)
    },
  })
  const body = marked.parse(withBaseUrl(page.markdown, baseUrl), { async: false })
  // An API's page links the reference of that API alone (/openapi/<dialect>.json).
  const reference = page.slug.startsWith('api/') ? `/docs/reference/${page.slug.slice(4)}` : undefined
  return shell(page.title, `${copyBar(`/docs/${page.slug}.md`, reference)}${body}`, pages, page.slug)
}

/** `/docs`: every page with its summary. */
export function indexHtml(pages: DocPage[], baseUrl: string): string {
  const items = pages.map((p) => `<li><a href="/docs/${p.slug}">${esc(p.title)}</a>: ${esc(p.summary)}</li>`).join('')
  const body = `${copyBar('/llms-full.txt')}<h1>Reelay documentation</h1><p>The API at <code>${esc(baseUrl)}</code>. Start with the <a href="/docs/quickstart">quickstart</a>; the <a href="/docs/reference">API reference</a> is generated from <a href="/openapi.json">/openapi.json</a>. Each page is also Markdown at <code>/docs/&lt;page&gt;.md</code>, and all of them at <a href="/llms.txt">/llms.txt</a>.</p><ul>${items}</ul>`
  return shell('Documentation', body, pages, '')
}

/**
 * `/docs/reference`: Scalar over /openapi.json, from the bundle this server ships. Offline: no web
 * fonts, no telemetry, no hosted AI agent or deploy toolbar (they call Scalar's servers).
 */
export function referenceHtml(documentUrl = '/openapi.json'): string {
  const config = { url: documentUrl, withDefaultFonts: false, telemetry: false, showDeveloperTools: 'never', agent: { disabled: true } }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>API reference · Reelay</title></head><body><div id="app"></div><script src="/docs/assets/scalar.js"></script><script>Scalar.createApiReference('#app', ${JSON.stringify(config)})</script></body></html>`
}
