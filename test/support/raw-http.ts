import { connect, type Socket } from 'node:net'
import { once } from 'node:events'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
  json(): any
}

/** Parses the first HTTP/1.1 response in `raw`, or null while it is incomplete. */
export function parseResponse(raw: Buffer): RawResponse | null {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0) return null
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1])
  const headers: Record<string, string> = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  const bodyBytes = raw.subarray(end + 4)
  if (bodyBytes.length < length) return null
  const body = bodyBytes.subarray(0, length).toString('utf8')
  return { status, headers, body, json: () => JSON.parse(body) }
}

/** A raw client connection: write bytes, wait for one response or for the server to close. */
export class RawClient {
  private buf = Buffer.alloc(0)
  closed = false
  private waiters: (() => void)[] = []

  private constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c])
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => undefined)
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    return new RawClient(socket)
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  private async until<T>(test: () => T | null, what: string, timeoutMs: number): Promise<T> {
    const deadline = setTimeout(() => this.wake(), timeoutMs)
    const started = Date.now()
    try {
      for (;;) {
        const v = test()
        if (v !== null) return v
        if (Date.now() - started >= timeoutMs) throw new Error(`no ${what} within ${timeoutMs} ms`)
        await new Promise<void>((r) => this.waiters.push(r))
      }
    } finally {
      clearTimeout(deadline)
    }
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data)
  }

  /** The next complete response (consumed from the buffer). */
  async response(timeoutMs = 10_000): Promise<RawResponse> {
    const res = await this.until(
      () => {
        const r = parseResponse(this.buf)
        if (!r && this.closed) throw new Error(`closed without a response: ${this.buf.toString('latin1')}`)
        return r
      },
      'response',
      timeoutMs,
    )
    this.buf = Buffer.alloc(0)
    return res
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(timeoutMs = 10_000): Promise<void> {
    await this.until(() => (this.closed ? true : null), 'close', timeoutMs)
  }

  destroy(): void {
    this.socket.destroy()
  }
}

/** Sends one raw request on a fresh connection and returns the answer. */
export async function rawRequest(port: number, data: string | Buffer): Promise<RawResponse> {
  const c = await RawClient.open(port)
  try {
    c.write(data)
    return await c.response()
  } finally {
    c.destroy()
  }
}
