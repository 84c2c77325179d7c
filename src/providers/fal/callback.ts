import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { asRecord, asString, callbackJson, header, type CallbackContext, type CallbackRequest } from '../http/json-client.js'
import { falUpstreamId, parseFalUpstreamId } from './mapping.js'

/** The query parameter we add to the webhook URL: fal's body names the request but not the app. */
export const FAL_ROOT_PARAM = 'fal_root'
const TOLERANCE_S = 300

export function withFalRoot(callbackUrl: string, root: string): string {
  const u = new URL(callbackUrl)
  u.searchParams.set(FAL_ROOT_PARAM, root)
  return u.toString()
}

const keyCache = new WeakMap<object, KeyObject[]>()

/** Ed25519 public keys of a JWKS object (`{keys: [{kty: 'OKP', crv: 'Ed25519', x}]}`), parsed once. */
export function jwksKeys(jwks: unknown): KeyObject[] {
  const rec = asRecord(jwks)
  if (!rec) return []
  const cached = keyCache.get(rec)
  if (cached) return cached
  const keys: KeyObject[] = []
  for (const k of Array.isArray(rec.keys) ? rec.keys : []) {
    const jwk = asRecord(k)
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue
    try {
      keys.push(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }))
    } catch {
      // A malformed key in the set must not hide the valid ones.
    }
  }
  keyCache.set(rec, keys)
  return keys
}

/**
 * Checks fal's webhook signature: Ed25519 over
 * `request_id \n user_id \n timestamp \n hex(sha256(body))`, against any key of the JWKS.
 */
export function verifyFalSignature(req: CallbackRequest, jwks: unknown, nowMs: number): boolean {
  const requestId = header(req.headers, 'x-fal-webhook-request-id')
  const userId = header(req.headers, 'x-fal-webhook-user-id')
  const timestamp = header(req.headers, 'x-fal-webhook-timestamp')
  const signature = header(req.headers, 'x-fal-webhook-signature')
  if (!requestId || !userId || !timestamp || !signature || !/^\d+$/.test(timestamp) || !/^[0-9a-f]+$/i.test(signature)) return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) return false
  const bodyHash = createHash('sha256').update(req.rawBody).digest('hex')
  const message = Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`)
  const sig = Buffer.from(signature, 'hex')
  return jwksKeys(jwks).some((key) => {
    try {
      return verify(null, message, key, sig)
    } catch {
      return false
    }
  })
}

/**
 * A verified fal webhook → our upstream id. The JWKS comes from `channel.options.falJwks`
 * (the operator caches fal's published set there); without it nothing is trusted.
 */
export function parseCallback(req: CallbackRequest, ctx: CallbackContext): { upstreamId: string } | null {
  if (!verifyFalSignature(req, ctx.channel.options.falJwks, ctx.clock.now())) return null
  const rec = callbackJson(req)
  const requestId = asString(rec?.request_id)
  const signedId = header(req.headers, 'x-fal-webhook-request-id')
  const root = req.query[FAL_ROOT_PARAM]
  // The signed header and the body must name the same request (either of its two ids).
  if (!requestId || !root || (signedId !== requestId && signedId !== asString(rec?.gateway_request_id))) return null
  const id = falUpstreamId(root, requestId)
  return parseFalUpstreamId(id) ? { upstreamId: id } : null
}
