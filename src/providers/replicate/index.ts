import { ambiguousSubmit, asRecord, asString, badResponse, cancelSettled, generationFailed, isOk, upstreamModel, videoParamsOf, type CallbackProvider } from '../http/json-client.js'
import { parseCallback } from './callback.js'
import { replicateClient } from './client.js'
import { predictionToPoll, replicateCreate, replicateHttpError, toReplicateInput } from './mapping.js'

export type ReplicateProvider = CallbackProvider<'replicate'>

/**
 * Seedance on Replicate's predictions API. No `findExisting`: a prediction carries nothing of
 * ours except (maybe) the webhook URL, and that field in list answers is unconfirmed.
 */
export function createReplicateProvider(): ReplicateProvider {
  return {
    name: 'replicate',
    async submit(job, ctx) {
      const req = replicateCreate(upstreamModel(ctx, job.model), toReplicateInput(videoParamsOf(job)), ctx.callbackUrl)
      const res = await replicateClient(ctx)
        .create(req)
        .catch((e: unknown) => {
          throw ambiguousSubmit(e)
        })
      if (!isOk(res.status)) throw replicateHttpError(res, ctx.clock.now())
      const id = asString(asRecord(res.json)?.id)
      if (!id || !/^[\w-]{1,128}$/.test(id)) throw ambiguousSubmit(badResponse(`${res.detail} (no prediction id)`))
      return { upstreamId: id }
    },
    async get(upstreamId, _job, ctx) {
      const res = await replicateClient(ctx).get(upstreamId)
      if (isOk(res.status)) return predictionToPoll(res.json, res.detail)
      if (res.status === 404) return { state: 'failed', error: generationFailed(res.detail) }
      throw replicateHttpError(res, ctx.clock.now())
    },
    async cancel(upstreamId, ctx) {
      const res = await replicateClient(ctx).cancel(upstreamId)
      if (cancelSettled(res.status)) return
      throw replicateHttpError(res, ctx.clock.now())
    },
    parseCallback,
  }
}
