import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { multipartReader, uploadsOf } from '../multipart.js'
import { ImageEditBody, ImagesResponseSchema } from '../schemas.js'
import { D } from '../request.js'
import { fileFingerprint, fromDataUrl, uploadStore } from '../uploads.js'
import { checkImageOptions, editImageLimit, generateImages } from '../image-generation.js'
import type { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type EditImageRequest = z.input<typeof ImageEditBody>
export type EditImageResponse = z.output<typeof ImagesResponseSchema>

/** `POST /v1/images/edits` (OpenAI images.edit): multipart `image`/`image[]` files plus the generation fields, or JSON. */
export function registerEditImage(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'POST',
    url: '/images/edits',
    dialect: D,
    operationId: 'editImage',
    summary: 'Edit images (OpenAI images.edit): multipart `image`/`image[]` files plus the generation fields',
    body: ImageEditBody,
    idempotency: 'optional',
    consumes: ['multipart/form-data', 'application/json'],
    responses: {
      200: { description: 'The images', schema: ImagesResponseSchema },
      400: 'Invalid request or moderation_blocked',
      410: 'A stored image is missing or damaged (file_unavailable)',
      413: 'A file or the whole form is over its limit',
      504: 'Not ready in time; the job goes on',
    },
    // A mask is read (one at most) only to be refused by name below.
    preHandler: [multipartReader(deps.config, { image: editImageLimit, mask: () => ({ max: 1, rule: 'takes one file' }) })],
    async handler({ body, req, idempotency }, reply) {
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
        idempotency,
        refs,
        refFields,
        fingerprintExtra: fileFingerprint(images),
        uploads: store.keys,
        drop: () => store.drop(),
      })
    },
  })
}
