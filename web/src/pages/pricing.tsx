import { useQuery } from '@tanstack/react-query'
import { ApiError, get } from '../api/client'
import type { CatalogModel, Money, PricedModel, Pricing } from '../api/contract'
import { useModels } from '../api/queries'
import { DataTable, Card, Credits, ErrorNote, Loading, PageHeader } from '../components/ui'
import { useI18n } from '../i18n/i18n'

export function usePricing() {
  return useQuery({ queryKey: ['pricing'], queryFn: () => get<Pricing>('/v1/pricing'), staleTime: 5 * 60_000 })
}

export const money = (p: Money | null | undefined, tag: string) => (p ? new Intl.NumberFormat(tag, { style: 'currency', currency: p.currency, maximumFractionDigits: 4 }).format(p.amount) : '—')

type Catalog = CatalogModel & { pricing?: { creditsPerSecond?: Record<string, number>; baseCredits?: number } }

/** One model's rates: from the billing price list when the server has one (with money), else the catalog's credits. */
function Rates({ model, priced, tag }: { model: Catalog; priced: PricedModel | undefined; tag: string }) {
  const { t } = useI18n()
  if (priced?.type === 'video')
    return priced.perSecond.map((r) => (
      <div key={r.resolution}>
        {r.resolution}: <Credits value={r.creditsPerSecond} /> {t('pricing.perSecond')} <span className="muted">({money(r.price, tag)})</span>
      </div>
    ))
  if (priced?.type === 'image') {
    const cheapest = priced.images.reduce<(typeof priced.images)[number] | null>((a, b) => (a && a.credits <= b.credits ? a : b), null)
    return cheapest ? (
      <div>
        {t('pricing.perImage', { credits: cheapest.credits })} <span className="muted">({money(cheapest.price, tag)})</span>
      </div>
    ) : null
  }
  const p = model.pricing
  if (p?.creditsPerSecond)
    return Object.entries(p.creditsPerSecond).map(([res, c]) => (
      <div key={res}>
        {res}: <Credits value={c} /> {t('pricing.perSecond')}
      </div>
    ))
  return p?.baseCredits ? <div>{t('pricing.perImage', { credits: p.baseCredits })}</div> : <>—</>
}

export function PricingPage() {
  const { t, locale } = useI18n()
  const pricing = usePricing()
  const models = useModels()
  // Until the billing endpoint exists, the catalog's own price table is what there is.
  const noBilling = pricing.error instanceof ApiError && pricing.error.status === 404
  return (
    <>
      <PageHeader title={t('pricing.title')} />
      {pricing.isPending || models.isPending ? <Loading /> : null}
      {!noBilling ? <ErrorNote error={pricing.error} /> : null}
      <Card title={t('pricing.models')}>
        <DataTable caption={t('pricing.models')} columns={[t('jobs.model'), t('pricing.rate')]}>
          {(models.data?.data ?? []).map((m) => (
            <tr key={m.id}>
              <td data-label={t('jobs.model')}>
                {m.name}
                <div className="muted">{m.id}</div>
              </td>
              <td data-label={t('pricing.rate')}>
                <Rates model={m} priced={pricing.data?.models.find((p) => p.id === m.id)} tag={locale} />
              </td>
            </tr>
          ))}
        </DataTable>
      </Card>
      {pricing.data ? (
        <div className="grid">
          <Card title={t('pricing.packs')}>
            <ul>
              {pricing.data.packs.map((p) => (
                <li key={p.id}>
                  {p.name}: <Credits value={p.credits} /> {t('common.credits')} — {money(p.price, locale)}
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t('pricing.plans')}>
            <ul>
              {pricing.data.plans.map((p) => (
                <li key={p.id}>
                  <strong>{p.name}</strong>: <Credits value={p.monthlyCredits} /> {t('pricing.perMonth')} — {money(p.price, locale)} ·{' '}
                  {t('pricing.limits', { rpm: p.limits.requestsPerMinute, active: p.limits.activeJobs })}
                </li>
              ))}
            </ul>
          </Card>
        </div>
      ) : null}
    </>
  )
}
