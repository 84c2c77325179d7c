import { createHmac, timingSafeEqual } from 'node:crypto'
import { asString, callbackJson, header, type CallbackContext, type CallbackRequest } from '../http/json-client.js'

const TOLERANCE_S = 300

/**
 * Standard Webhooks verification as Replicate signs: HMAC-SHA256 over `id.timestamp.body`,
 * keyed with the base64 part of the `whsec_` secret; the header lists `v1,<base64>` entries.
 */
export function verifyReplicateSignature(req: CallbackRequest, secret: string, nowMs: number): boolean {
  const id = header(req.headers, 'webhook-id')
  const timestamp = header(req.headers, 'webhook-timestamp')
  const signatures = header(req.headers, 'webhook-signature')
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) return false
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64')
  if (key.length === 0) return false
  const body = typeof req.rawBody === 'string' ? Buffer.from(req.rawBody) : req.rawBody
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest()
  return signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',', 2)
    if (version !== 'v1' || !sig) return false
    const got = Buffer.from(sig, 'base64')
    return got.length === expected.length && timingSafeEqual(got, expected)
  })
}

/** A verified prediction webhook → the prediction id. The secret is `channel.options.webhookSecret`. */
export function parseCallback(req: CallbackRequest, ctx: CallbackContext): { upstreamId: string } | null {
  const secret = ctx.channel.options.webhookSecret
  if (typeof secret !== 'string' || !verifyReplicateSignature(req, secret, ctx.clock.now())) return null
  const id = asString(callbackJson(req)?.id)
  return id && /^[\w-]{1,128}$/.test(id) ? { upstreamId: id } : null
}
