import { ambiguousSubmit, asRecord, asString, badResponse, cancelSettled, generationFailed, isOk, upstreamModel, videoParamsOf, type CallbackProvider } from '../http/json-client.js'
import { parseCallback, withFalRoot } from './callback.js'
import { falClient } from './client.js'
import { falAppId, falAppRoot, falHttpError, falMode, falResultToPoll, falStatus, falUpstreamId, rootFromStatusUrl, toFalInput } from './mapping.js'

export type FalProvider = CallbackProvider<'fal'>

/**
 * Seedance on fal's queue API. The upstream id is `{app root}/requests/{request_id}`, the path
 * the status, result and cancel URLs share. No `findExisting`: fal has no way to list requests.
 */
export function createFalProvider(): FalProvider {
  return {
    name: 'fal',
    async submit(job, ctx) {
      const p = videoParamsOf(job)
      const mode = falMode(p)
      const app = falAppId(upstreamModel(ctx, job.model), mode)
      const root = falAppRoot(app)
      const webhook = ctx.callbackUrl ? withFalRoot(ctx.callbackUrl, root) : undefined
      const res = await falClient(ctx)
        .submit(app, toFalInput(p, app, mode), webhook)
        .catch((e: unknown) => {
          throw ambiguousSubmit(e)
        })
      if (!isOk(res.status)) throw falHttpError(res, ctx.clock.now())
      const body = asRecord(res.json)
      const requestId = asString(body?.request_id)
      if (!requestId || !/^[\w.-]+$/.test(requestId)) throw ambiguousSubmit(badResponse(`${res.detail} (no request_id)`))
      return { upstreamId: falUpstreamId(rootFromStatusUrl(asString(body?.status_url), requestId, root), requestId) }
    },
    async get(upstreamId, _job, ctx) {
      const client = falClient(ctx)
      const res = await client.status(upstreamId)
      // fal no longer knows the request: it can never finish.
      if (res.status === 404) return { state: 'failed', error: generationFailed(res.detail) }
      if (!isOk(res.status)) throw falHttpError(res, ctx.clock.now())
      const status = falStatus(res.json, res.detail)
      if (status !== 'completed') return { state: status }
      return falResultToPoll(await client.result(upstreamId), ctx.clock.now())
    },
    async cancel(upstreamId, ctx) {
      const res = await falClient(ctx).cancel(upstreamId)
      // ALREADY_COMPLETED / NOT_FOUND answers are fine for a best-effort cancel.
      if (cancelSettled(res.status)) return
      throw falHttpError(res, ctx.clock.now())
    },
    parseCallback,
  }
}
