import { useQuery } from '@tanstack/react-query'
import { ApiError, get } from '../api/client'
import type { Pricing } from '../api/contract'
import { useModels } from '../api/queries'
import { DataTable, Card, Credits, ErrorNote, Loading, PageHeader } from '../components/ui'
import { useI18n } from '../i18n/i18n'

export function usePricing() {
  return useQuery({ queryKey: ['pricing'], queryFn: () => get<Pricing>('/v1/pricing'), staleTime: 5 * 60_000 })
}

export const money = (p: { amount: number; currency: string } | null | undefined, tag: string) =>
  p ? new Intl.NumberFormat(tag, { style: 'currency', currency: p.currency }).format(p.amount / 100) : '—'

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
          {(models.data?.data ?? []).map((m) => {
            const p = (m as { pricing?: { creditsPerSecond?: Record<string, number>; baseCredits?: number } }).pricing
            return (
              <tr key={m.id}>
                <td data-label={t('jobs.model')}>
                  {m.name}
                  <div className="muted">{m.id}</div>
                </td>
                <td data-label={t('pricing.rate')}>
                  {p?.creditsPerSecond
                    ? Object.entries(p.creditsPerSecond).map(([res, c]) => (
                        <div key={res}>
                          {res}: <Credits value={c} /> {t('pricing.perSecond')}
                        </div>
                      ))
                    : p?.baseCredits
                      ? t('pricing.perImage', { credits: p.baseCredits })
                      : '—'}
                </td>
              </tr>
            )
          })}
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
