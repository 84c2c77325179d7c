import { AppError } from '../../../../errors.js'
import { defineRoute } from '../../../route.js'
import { ImageGenerationBody, ImagesResponseSchema } from '../schemas.js'
import { D } from '../request.js'
import { checkImageOptions, generateImages } from '../image-generation.js'
import type { z } from 'zod'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type CreateImageRequest = z.input<typeof ImageGenerationBody>
export type CreateImageResponse = z.output<typeof ImagesResponseSchema>

function rejectMultipart(req: FastifyRequest): Promise<void> {
  if (typeof req.isMultipart === 'function' && req.isMultipart()) {
    return Promise.reject(new AppError('unsupported_media_type', 'Send the body as `Content-Type: application/json`.', { field: 'Content-Type' }))
  }
  return Promise.resolve()
}

/** `POST /v1/images/generations` (OpenAI images.generate): waits for the job and answers with the images. */
export function registerCreateImage(scope: FastifyInstance, deps: AppDeps): void {
  defineRoute(scope, {
    method: 'POST',
    url: '/images/generations',
    dialect: D,
    operationId: 'createImage',
    summary: 'Create images (OpenAI images.generate); waits for the job and answers with the images',
    body: ImageGenerationBody,
    idempotency: 'optional',
    example: { prompt: 'a lighthouse at dawn, watercolour', model: 'gpt-image-2', size: '1536x1024', quality: 'high' } satisfies CreateImageRequest,
    responses: {
      200: { description: 'The images', schema: ImagesResponseSchema },
      400: 'Invalid request or moderation_blocked',
      429: 'Rate limit or insufficient_quota',
      410: 'A stored image is missing or damaged (file_unavailable)',
      504: 'Not ready in time; the job goes on',
    },
    preHandler: [rejectMultipart],
    async handler({ body, req, idempotency }, reply) {
      checkImageOptions(body)
      return generateImages(deps, req, reply, { body, idempotency, refs: [], refFields: {} })
    },
  })
}
