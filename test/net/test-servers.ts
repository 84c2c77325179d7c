import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type TestServer = {
  port: number
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** TCP connections accepted so far. */
  connections: () => number
  /** Requests seen so far, in order. */
  requests: http.IncomingMessage[]
  close: () => Promise<void>
}

const okHandler: http.RequestListener = (_req, res) => res.end('canary')

/** An HTTP server on 127.0.0.1 with a random port that counts every connection it accepts. */
export async function startServer(handler: http.RequestListener = okHandler): Promise<TestServer> {
  const requests: http.IncomingMessage[] = []
  let connections = 0
  const server = http.createServer((req, res) => {
    requests.push(req)
    handler(req, res)
  })
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A lookup that answers from a table and counts calls; unknown names fail like ENOTFOUND. */
export function tableLookup(table: Record<string, string | string[]>) {
  const calls: string[] = []
  const lookup = async (host: string) => {
    calls.push(host)
    const hit = table[host]
    if (hit === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return (Array.isArray(hit) ? hit : [hit]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  return { lookup, calls }
}
