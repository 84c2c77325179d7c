import { AppError } from '../../errors.js'
import { ledger } from '../../ledger/ledger.js'
import { imagePriceLines, videoPriceLines, type PriceLine } from '../../domain/pricing.js'
import { QUOTE_TARGETS, targetsOf, type QuoteTarget } from './quote-targets.js'
import { resolveModel } from '../../catalog/models.js'
import type { AuthContext } from '../../accounts/accounts.js'
import type { AppDeps } from '../deps.js'
import type { ImageParams, VideoParams } from '../../domain/params.js'

export interface QuoteAnswer {
  credits: number
  breakdown: PriceLine[]
  available: number
  model: string
  dialect: string
  for: string
}

/** The route a quote prices: named by `for`, or the dialect's submit route for the body's model type. */
function pick(forPath: string | undefined, dialect: string | undefined, body: unknown): [string, QuoteTarget] {
  if (forPath !== undefined) {
    const path = forPath.split('?')[0]!.replace(/\/+$/, '')
    const t = QUOTE_TARGETS[path]
    if (!t) throw new AppError('invalid_request', `\`for\` must be a submit route: ${Object.keys(QUOTE_TARGETS).join(', ')}`, { field: 'for' })
    return [path, t]
  }
  const list = targetsOf(dialect ?? 'native')
  if (list.length === 0) throw new AppError('invalid_request', '`dialect` must be native, tasks, jobs or open', { field: 'dialect' })
  const model = typeof (body as { model?: unknown } | null)?.model === 'string' ? resolveModel((body as { model: string }).model) : undefined
  return list.find(([, t]) => t.type === (model?.type ?? 'video')) ?? list[0]!
}

/**
 * Prices a submit body as its route would: the dialect's own schema and translate step, then
 * the job service's validation and pricing (prompt surcharge included). Holds nothing.
 */
export async function quoteSubmit(deps: AppDeps, auth: AuthContext, q: { for?: string | undefined; dialect?: string | undefined }, body: unknown): Promise<QuoteAnswer> {
  const [path, target] = pick(q.for, q.dialect, body)
  const parsed = target.body.safeParse(body ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'body'
    throw new AppError('invalid_request', `\`${field}\` ${issue?.message ?? 'is invalid'}`, { field })
  }
  const t = target.translate(parsed.data, body)
  const quoted = await deps.jobs.quote({ auth, dialect: target.dialect, type: target.type, model: t.model, input: t.input, fields: t.fields, promptMode: t.promptMode })
  const m = quoted.model
  const lines =
    m.type === 'video' ? videoPriceLines(deps.prices, m.id, quoted.params as VideoParams, Math.max(...m.durations)).lines : imagePriceLines(deps.prices, m.id, quoted.params as ImageParams).lines
  const breakdown = quoted.promptSurcharge > 0 ? [...lines, { item: 'prompt', detail: 'prompt translation or enhancement', credits: quoted.promptSurcharge }] : lines
  const f = await ledger.figures(deps.store.db, auth.accountId)
  return { credits: quoted.price, breakdown, available: f?.available ?? 0, model: m.id, dialect: target.dialect, for: path }
}
