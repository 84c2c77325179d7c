import { ambiguousSubmit, asRecord, asString, badResponse, cancelSettled, generationFailed, isOk, upstreamModel, videoParamsOf, type CallbackProvider } from '../http/json-client.js'
import { parseCallback, withArkToken } from './callback.js'
import { arkClient } from './client.js'
import { arkErrorCode, arkHttpError, arkReason, arkTaskToPoll, toArkBody } from './mapping.js'

export type ArkProvider = CallbackProvider<'ark'>

/**
 * Seedance on BytePlus ModelArk / Volcengine Ark (content-generation tasks).
 * No `findExisting`: a task carries nothing of ours that the list endpoint could filter on.
 */
export function createArkProvider(): ArkProvider {
  return {
    name: 'ark',
    async submit(job, ctx) {
      const callback = ctx.callbackUrl ? withArkToken(ctx.callbackUrl, ctx.channel.apiKey) : undefined
      const body = toArkBody(videoParamsOf(job), upstreamModel(ctx, job.model), callback)
      const res = await arkClient(ctx).create(body).catch((e: unknown) => {
        throw ambiguousSubmit(e)
      })
      if (!isOk(res.status)) throw arkHttpError(res, ctx.clock.now())
      const id = asString(asRecord(res.json)?.id)
      if (!id) throw ambiguousSubmit(badResponse(`${res.detail} (no task id)`))
      return { upstreamId: id }
    },
    async get(upstreamId, _job, ctx) {
      const res = await arkClient(ctx).get(upstreamId)
      if (isOk(res.status)) return arkTaskToPoll(res.json, res.detail)
      // A task Ark no longer knows (deleted, aged out) can never finish.
      if (res.status === 404 && arkErrorCode(res.json) && arkReason(arkErrorCode(res.json)) !== 'model_access') {
        return { state: 'failed', error: generationFailed(res.detail) }
      }
      throw arkHttpError(res, ctx.clock.now())
    },
    async cancel(upstreamId, ctx) {
      const res = await arkClient(ctx).remove(upstreamId)
      // Running or already-gone tasks cannot be cancelled; that is not an error for a best-effort cancel.
      if (cancelSettled(res.status)) return
      throw arkHttpError(res, ctx.clock.now())
    },
    parseCallback,
  }
}
