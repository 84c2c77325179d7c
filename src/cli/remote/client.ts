import { APIConnectionError, APIError, Reelay, type OpenApiPaths, type ReelayOptions } from '#sdk'
import { CliFailure, EXIT } from '../customer/failure.js'
import { readRemote, type RemoteSession } from './session-file.js'

type Env = Record<string, string | undefined>

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

/** The JSON a route answers with (its 200, else its 201), from the SDK's generated OpenAPI types. */
export type Answer<P extends keyof OpenApiPaths, M extends 'get' | 'post' | 'patch'> = OpenApiPaths[P][M] extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer A }
      ? Json<A>
      : never
  : never

/** What `reelay remote …` says for an answer it can explain: one line with what to do next. */
export function remoteFailure(err: unknown, session: Pick<RemoteSession, 'baseUrl' | 'email'> | null): unknown {
  if (err instanceof APIError) {
    if (err.status === 401) return new CliFailure(`Not signed in to ${session?.baseUrl ?? 'the server'} (${err.message}): run \`reelay remote login\``, EXIT.auth, err.code)
    if (err.status === 403)
      return new CliFailure(`${session?.email || 'This user'} is not an operator on ${session?.baseUrl ?? 'the server'}: only users with role admin may use /admin/v1`, EXIT.auth, err.code)
  }
  if (err instanceof APIConnectionError) return new CliFailure(`${err.message}; is the server up? (\`reelay remote login --url\` sets it)`, EXIT.failure, 'connection_error')
  return err
}

/**
 * Calls /admin/v1 with the saved session. Reads retry on the SDK's policy; changes are sent
 * once, since a grant retried after a lost answer could land twice.
 */
export function remoteClient(env: Env, sdk: ReelayOptions = {}) {
  const session = readRemote(env)
  if (!session) throw new CliFailure('Not signed in: run `reelay remote login --url <server> --email <you>`', EXIT.auth, 'unauthorized')
  const client = new Reelay({ ...sdk, apiKey: session.token, baseURL: session.baseUrl })
  const wrap = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p
    } catch (err) {
      throw remoteFailure(err, session)
    }
  }
  return {
    session,
    get: <T>(path: string, query: Record<string, string | number | undefined> = {}) => wrap(client.request<T>('GET', path, { query })),
    send: <T>(method: 'POST' | 'PATCH', path: string, body: unknown) => wrap(client.request<T>(method, path, { body, maxRetries: 0 })),
  }
}

export type RemoteClient = ReturnType<typeof remoteClient>
