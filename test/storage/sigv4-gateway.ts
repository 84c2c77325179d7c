import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'

/**
 * A proxy in front of s3rver that checks presigned GETs the way S3 does, because s3rver itself
 * accepts any SigV4 signature (it only checks the access key and the expiry). The expected
 * signature is computed by the AWS SDK's own presigner from what the link claims (bucket, key,
 * date, lifetime), so a link passes only if the SDK would have signed it identically. It can
 * also fail the next PUTs with a 503, to exercise upload retries.
 */
export async function startSigV4Gateway(opts: { target: string; region: string; accessKeyId: string; secretAccessKey: string }) {
  const target = new URL(opts.target)
  let failPuts = 0
  const seen = { puts: 0, refused: [] as string[] }

  const refuse = (res: http.ServerResponse, code: string, message: string) => {
    seen.refused.push(code)
    res.writeHead(403, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`)
  }

  /** null when the link is valid, else the S3 error code. */
  const check = async (url: URL, host: string): Promise<string | null> => {
    const q = url.searchParams
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '')
    const expiresIn = Number(q.get('X-Amz-Expires'))
    if (!m || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604_800) return 'AuthorizationQueryParametersError'
    const signingDate = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`)
    if (Date.now() > signingDate.getTime() + expiresIn * 1000) return 'AccessDenied'
    const [, bucket, ...rest] = url.pathname.split('/')
    const client = new S3Client({
      region: opts.region,
      endpoint: `http://${host}`,
      forcePathStyle: true,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
    const want = new URL(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: decodeURIComponent(bucket ?? ''), Key: rest.map(decodeURIComponent).join('/') }), { expiresIn, signingDate }),
    )
    client.destroy()
    // S3 does not mind the order of the parameters, only their values.
    const params = (u: URL) => JSON.stringify([...u.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    return params(want) === params(url) && want.pathname === url.pathname ? null : 'SignatureDoesNotMatch'
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
      if (req.method === 'GET' && url.searchParams.has('X-Amz-Signature')) {
        const err = await check(url, req.headers.host ?? '')
        if (err) return refuse(res, err, 'Refused by the SigV4 gateway')
      }
      if (req.method === 'PUT') {
        seen.puts++
        if (failPuts > 0) {
          failPuts--
          req.resume()
          req.on('end', () => res.writeHead(503, { 'content-type': 'application/xml' }).end('<Error><Code>ServiceUnavailable</Code><Message>try again</Message></Error>'))
          return
        }
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
        },
      )
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    })().catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    failNextPuts(n: number) {
      failPuts = n
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
