import { connect } from 'node:net'
import type { Answer } from './fuzz-check.js'

/**
 * Sends raw bytes to 127.0.0.1:`port` and reads the first final (non-1xx) answer, for requests
 * no HTTP client will send: broken request lines, oversized or malformed headers, bad framing.
 * Resolves `null` when the server closes without answering, `'hang'` after `timeoutMs`.
 */
export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 5_000): Promise<Answer | null | 'hang'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1')
    let done = false
    const finish = (v: Answer | null | 'hang') => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve(v)
    }
    const timer = setTimeout(() => finish(parse(Buffer.concat(chunks)) ?? 'hang'), timeoutMs)
    socket.on('connect', () => socket.write(bytes))
    socket.on('data', (c: Buffer) => {
      chunks.push(c)
      const a = parse(Buffer.concat(chunks), true)
      if (a) finish(a)
    })
    socket.on('error', () => finish(parse(Buffer.concat(chunks))))
    socket.on('close', () => finish(parse(Buffer.concat(chunks))))
  })
}

/** The first final answer in `buf`; with `complete`, only once its body has fully arrived. */
function parse(buf: Buffer, complete = false): Answer | null {
  let text = buf.toString('latin1')
  for (;;) {
    const end = text.indexOf('\r\n\r\n')
    if (end < 0) return null
    const [statusLine, ...lines] = text.slice(0, end).split('\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1])
    if (!status) return null
    const rest = text.slice(end + 4)
    if (status < 200) {
      text = rest
      continue
    }
    const headers: Record<string, string> = {}
    for (const l of lines) {
      const i = l.indexOf(':')
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim()
    }
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length'])
    let body = rest
    if (headers['transfer-encoding'] === 'chunked') {
      body = ''
      let r = rest
      for (;;) {
        const nl = r.indexOf('\r\n')
        if (nl < 0) return complete ? null : { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') }
        const size = parseInt(r.slice(0, nl), 16)
        if (size === 0) break
        if (r.length < nl + 2 + size) return complete ? null : { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') }
        body += r.slice(nl + 2, nl + 2 + size)
        r = r.slice(nl + 2 + size + 2)
      }
    } else if (length !== undefined) {
      if (Buffer.byteLength(rest, 'latin1') < length) return complete ? null : { status, headers, body: Buffer.from(rest, 'latin1').toString('utf8') }
      body = rest.slice(0, length)
    } else if (complete) return null
    return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') }
  }
}
