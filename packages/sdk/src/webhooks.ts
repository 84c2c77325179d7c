import { Webhook, WebhookVerificationError as StandardError } from 'standardwebhooks'
import { WebhookVerificationError } from './errors.js'

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

/** A delivery as Reelay sends it: the event type, when it happened, and the job. */
export interface WebhookEvent {
  type: string
  timestamp: string
  data: Record<string, unknown>
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const rec = headers as Record<string, string | string[] | undefined>
  const v = rec[name] ?? Object.entries(rec).find(([k]) => k.toLowerCase() === name)?.[1]
  return Array.isArray(v) ? v[0] : v
}

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
}

async function hexHmac(secret: string, body: string): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Our deliveries are compact JSON. A body that parses but is not compact was re-serialised by
 * a framework on the way in, so no secret can match it: say so rather than "wrong secret".
 */
function mismatch(raw: string): WebhookVerificationError {
  let reserialised = false
  try {
    reserialised = JSON.stringify(JSON.parse(raw)) !== raw
  } catch {
    // Not JSON at all: not ours, so a wrong secret (or a forged body) is the honest guess.
  }
  return reserialised
    ? new WebhookVerificationError('body_reserialised', 'The signature does not match this body, which looks re-serialised: verify the raw request body exactly as received (e.g. express.raw()), not parsed-and-stringified JSON.')
    : new WebhookVerificationError('wrong_secret', 'The signature does not match: check the webhook secret (whsec_…) for this endpoint, and that the body is the raw bytes as received.')
}

export class Webhooks {
  /**
   * Checks a delivery and returns its parsed event. It takes the Standard Webhooks headers
   * (`webhook-id`, `webhook-timestamp`, `webhook-signature`, with a 5-minute window), or, when
   * those are absent, the `x-seedance-signature` hex HMAC of the body. Throws
   * `WebhookVerificationError` whose `reason` says what was wrong.
   */
  async verify(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string): Promise<WebhookEvent> {
    if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
      throw new WebhookVerificationError('body_reserialised', 'Pass the raw request body (a string or bytes), not the parsed JSON object.')
    }
    const raw = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)
    const id = header(headers, 'webhook-id')
    const ts = header(headers, 'webhook-timestamp')
    const sig = header(headers, 'webhook-signature')
    if (id && ts && sig) {
      try {
        new Webhook(secret).verify(raw, { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig })
      } catch (err) {
        if (!(err instanceof StandardError)) throw err
        if (/timestamp/i.test(err.message)) {
          throw new WebhookVerificationError('stale_timestamp', `The webhook-timestamp is outside the 5-minute window (${err.message}): a replayed or long-delayed delivery, or a wrong clock.`)
        }
        throw mismatch(raw)
      }
    } else {
      const seedance = header(headers, 'x-seedance-signature')
      if (!seedance) throw new WebhookVerificationError('missing_headers', 'No webhook-id/webhook-timestamp/webhook-signature or x-seedance-signature header: is this a Reelay delivery?')
      if (!constantTimeEqual(await hexHmac(secret, raw), seedance.trim().toLowerCase())) throw mismatch(raw)
    }
    return JSON.parse(raw) as WebhookEvent
  }
}
