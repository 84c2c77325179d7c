import { createHmac, timingSafeEqual } from 'node:crypto'
import { asString, callbackJson, type CallbackContext, type CallbackRequest } from '../http/json-client.js'

/** The query parameter we add to Ark's `callback_url`, since Ark does not sign callbacks. */
export const ARK_TOKEN_PARAM = 'ark_token'

/** A per-job token keyed by the channel's API key: proves a callback URL came from us. */
export function arkCallbackToken(apiKey: string, jobId: string): string {
  return createHmac('sha256', apiKey).update(`reelay-ark-callback:${jobId}`).digest('base64url').slice(0, 22)
}

/** `callbackUrl` with our token appended, bound to the worker's `job` query parameter. */
export function withArkToken(callbackUrl: string, apiKey: string): string {
  const u = new URL(callbackUrl)
  u.searchParams.set(ARK_TOKEN_PARAM, arkCallbackToken(apiKey, u.searchParams.get('job') ?? ''))
  return u.toString()
}

/**
 * Ark POSTs the GET-shaped task on status changes, unsigned. Without a signature a forged call
 * could still burn our GET quota, so the URL carries a token only we can compute; the body is
 * then only a hint that makes the worker re-fetch the task.
 */
export function parseCallback(req: CallbackRequest, ctx: CallbackContext): { upstreamId: string } | null {
  const token = req.query[ARK_TOKEN_PARAM]
  if (!token) return null
  const want = Buffer.from(arkCallbackToken(ctx.channel.apiKey, req.query.job ?? ''))
  const got = Buffer.from(token)
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null
  const id = asString(callbackJson(req)?.id)
  return id && /^[\w.-]{1,128}$/.test(id) ? { upstreamId: id } : null
}
