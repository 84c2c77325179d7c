import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { once } from 'node:events'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A real webhook receiver on 127.0.0.1. `respond` decides each answer; by default 200.
 * Returning 'hang' never answers (for timeouts).
 */
export async function startReceiver(respond: (r: Received, n: number) => number | 'hang' | { status: number; headers?: Record<string, string>; body?: string } = () => 200) {
  const received: Received[] = []
  const hanging: ServerResponse[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(r)
      const out = respond(r, received.length)
      if (out === 'hang') {
        hanging.push(res)
        return
      }
      const o = typeof out === 'number' ? { status: out } : out
      res.writeHead(o.status, o.headers ?? { 'content-type': 'text/plain' })
      res.end(o.body ?? 'ok')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      for (const h of hanging) h.destroy()
      server.closeAllConnections()
      server.close()
    },
  }
}
