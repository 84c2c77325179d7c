import { withBaseUrl, type DocPage } from './pages.js'

/** `/llms.txt` (llmstxt.org): what Reelay is, and a line per page linking its raw Markdown. */
export function llmsTxt(pages: DocPage[], baseUrl: string): string {
  const lines = [
    '# Reelay',
    '',
    `> A REST API for asynchronous image and video generation at ${baseUrl}: submit a job with an Idempotency-Key, poll it (or get a webhook), download the stored result, check credits. Bearer API keys; credits are whole numbers.`,
    '',
    `Every page is also HTML at ${baseUrl}/docs/<page>. The OpenAPI 3.1 document is ${baseUrl}/openapi.json. All pages in one file: ${baseUrl}/llms-full.txt.`,
    '',
    '## Docs',
    '',
    ...pages.map((p) => `- [${p.title}](${baseUrl}/docs/${p.slug}.md): ${p.summary}`),
    '',
    '## Optional',
    '',
    `- [OpenAPI document](${baseUrl}/openapi.json): every route with its request schema`,
    '',
  ]
  return lines.join('\n')
}

/** `/llms-full.txt`: every page's Markdown, in reading order, with the reader's base URL. */
export function llmsFullTxt(pages: DocPage[], baseUrl: string): string {
  return pages.map((p) => `<!-- ${baseUrl}/docs/${p.slug}.md -->\n\n${withBaseUrl(p.markdown, baseUrl).trim()}\n`).join('\n\n')
}
