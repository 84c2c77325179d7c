import { AppError } from '../../../errors.js'
import { defineRoute } from '../../route.js'
import { multipartReader, uploadsOf } from './multipart.js'
import { ImageEditBody, ImageGenerationBody } from './schemas.js'
import { D, IDEMPOTENCY_HEADER } from './request.js'
import { fileFingerprint, fromDataUrl, uploadStore } from './uploads.js'
import { checkImageOptions, editImageLimit, generateImages } from './image-generation.js'
import { authOf } from '../../plugins/auth.js'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { AppDeps } from '../../deps.js'

function rejectMultipart(req: FastifyRequest): Promise<void> {
  if (typeof req.isMultipart === 'function' && req.isMultipart()) {
    return Promise.reject(new AppError('unsupported_media_type', 'Send the body as `Content-Type: application/json`.', { field: 'Content-Type' }))
  }
  return Promise.resolve()
}

/** `POST /v1/images/generations` and `POST /v1/images/edits` (OpenAI images.generate / images.edit). */
export function registerImageRoutes(scope: FastifyInstance, deps: AppDeps, auth: preHandlerAsyncHookHandler): void {
  defineRoute(scope, {
    method: 'POST',
    url: '/v1/images/generations',
    dialect: D,
    summary: 'Create images (OpenAI images.generate); waits for the job and answers with the images',
    body: ImageGenerationBody,
    headers: IDEMPOTENCY_HEADER,
    responses: { 200: 'The images', 400: 'Invalid request or moderation_blocked', 429: 'Rate limit or insufficient_quota', 410: 'A stored image is missing or damaged (file_unavailable)', 504: 'Not ready in time; the job goes on' },
    preHandler: [auth, rejectMultipart],
    async handler({ body, req }, reply) {
      checkImageOptions(body)
      return generateImages(deps, req, reply, { body, route: '/v1/images/generations', refs: [], refFields: {} })
    },
  })

  defineRoute(scope, {
    method: 'POST',
    url: '/v1/images/edits',
    dialect: D,
    summary: 'Edit images (OpenAI images.edit): multipart `image`/`image[]` files plus the generation fields',
    body: ImageEditBody,
    headers: IDEMPOTENCY_HEADER,
    consumes: ['multipart/form-data', 'application/json'],
    responses: { 200: 'The images', 400: 'Invalid request or moderation_blocked', 410: 'A stored image is missing or damaged (file_unavailable)', 413: 'A file or the whole form is over its limit', 504: 'Not ready in time; the job goes on' },
    // A mask is read (one at most) only to be refused by name below.
    preHandler: [auth, multipartReader(deps.config, { image: editImageLimit, mask: () => ({ max: 1, rule: 'takes one file' }) })],
    async handler({ body, req }, reply) {
      checkImageOptions(body)
      const files = uploadsOf(req)
      if (files.some((f) => f.field === 'mask') || (req.body as { mask?: unknown } | undefined)?.mask !== undefined) {
        throw new AppError('invalid_request', '`mask` is not supported; describe the change in the prompt', { field: 'mask' })
      }
      const images = files.filter((f) => f.field === 'image')
      const jsonRefs = body.images ?? []
      if (images.length === 0 && jsonRefs.length === 0) throw new AppError('invalid_request', '`image` is required', { field: 'image' })
      const refFields: Record<string, string> = { referenceImageUrls: images.length > 0 ? 'image' : 'images' }
      // Counted against the model before anything is stored.
      const limit = editImageLimit(body as Record<string, unknown>)
      if (images.length + jsonRefs.length > limit.max) {
        const field = images.length > 0 ? 'image' : 'images'
        throw new AppError('invalid_request', `\`${field}\` ${limit.rule}`, { field })
      }
      const store = uploadStore(deps, authOf(req).accountId)
      const refs: string[] = []
      try {
        for (const f of images) {
          const field = images.length > 1 ? `image[${refs.length}]` : 'image'
          refFields[`referenceImageUrls[${refs.length}]`] = field
          refs.push(await store.put(f, field))
        }
        for (const [j, ref] of jsonRefs.entries()) {
          const field = `images[${j}].image_url`
          if (ref.file_id !== undefined) throw new AppError('invalid_request', `\`images[${j}].file_id\` is not supported; send image_url or upload the file`, { field: `images[${j}].file_id` })
          if (ref.image_url === undefined) throw new AppError('invalid_request', `\`${field}\` is required`, { field })
          refFields[`referenceImageUrls[${refs.length}]`] = field
          const bytes = fromDataUrl(ref.image_url, field)
          refs.push(bytes ? await store.put(bytes, field) : ref.image_url)
        }
      } catch (err) {
        await store.drop()
        throw err
      }
      return generateImages(deps, req, reply, {
        body,
        route: '/v1/images/edits',
        refs,
        refFields,
        fingerprintExtra: fileFingerprint(images),
        uploads: store.keys,
        drop: () => store.drop(),
      })
    },
  })
}
