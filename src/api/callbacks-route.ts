import type { FastifyInstance } from 'fastify'
import type { CallbackHandler } from '../jobs/callbacks.js'

/** `POST /internal/callbacks/:channelId`: where upstreams report progress (a hint to re-fetch). */
export async function registerCallbackRoute(app: FastifyInstance, handle: CallbackHandler): Promise<void> {
  await app.register(async (scope) => {
    // Signatures cover the exact bytes, so this scope keeps the raw body.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
    scope.post<{ Params: { channelId: string }; Querystring: Record<string, string> }>('/internal/callbacks/:channelId', { config: { dialect: 'native' } }, async (req, reply) => {
      const outcome = await handle(req.params.channelId, { headers: req.headers, rawBody: (req.body as Buffer | undefined) ?? Buffer.alloc(0), query: req.query })
      // Unknown jobs still get 200: the upstream must stop retrying, and we reveal nothing.
      if (outcome === 'rejected') return reply.status(401).send({ ok: false })
      if (outcome === 'unknown_channel') return reply.status(404).send({ ok: false })
      return reply.status(200).send({ ok: true })
    })
  })
}
