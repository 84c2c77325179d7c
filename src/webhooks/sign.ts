import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64')
}

/** `v1,<base64>` over `id.timestamp.body`, per Standard Webhooks. */
export function standardSignature(secret: string, id: string, timestampSec: number, body: string): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSec}.${body}`).digest('base64')}`
}

/** Hex HMAC-SHA256 of the raw body, as seed 004's `x-seedance-signature`. */
export function seedanceSignature(secret: string, body: string): string {
  return createHmac('sha256', secretBytes(secret)).update(body).digest('hex')
}

/**
 * Every header of one delivery attempt. During a rotation both secrets sign: receivers that
 * still hold the old one keep verifying.
 */
export function signatureHeaders(secrets: string[], id: string, timestampSec: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': secrets.map((s) => standardSignature(s, id, timestampSec, body)).join(' '),
    'x-seedance-signature': seedanceSignature(secrets[0]!, body),
  }
}

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError'
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Verifies a delivery the way a receiver should: the raw body exactly as received, a timestamp
 * within `toleranceSec`, and any of the `v1` signatures matching. Throws with the reason.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  opts: { toleranceSec?: number; nowSec?: number } = {},
): { id: string; timestamp: number } {
  const h = (name: string) => {
    const v = headers[name] ?? headers[name.toLowerCase()]
    return Array.isArray(v) ? v[0] : v
  }
  const id = h('webhook-id')
  const ts = Number(h('webhook-timestamp'))
  const sigs = h('webhook-signature')
  if (!id || !sigs || !Number.isInteger(ts)) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header')
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000)
  const tolerance = opts.toleranceSec ?? 300
  if (ts < now - tolerance) throw new WebhookVerificationError('Timestamp too old')
  if (ts > now + tolerance) throw new WebhookVerificationError('Timestamp too new')
  const want = standardSignature(secret, id, ts, rawBody)
  if (!sigs.split(' ').some((s) => safeEqual(s, want))) throw new WebhookVerificationError('No matching signature')
  return { id, timestamp: ts }
}
