import { useQuery } from '@tanstack/react-query'
import { get } from '../../api/client'
import { Card, ErrorNote, Loading, PageHeader } from '../../components/ui'
import { useT } from '../../i18n/i18n'

/** The price book and plans as the server holds them; read-only (they live in the price file). */
export function OperatorPricesPage() {
  const t = useT()
  const prices = useQuery({ queryKey: ['admin-prices'], queryFn: () => get<Record<string, unknown>>('/admin/v1/prices') })
  return (
    <>
      <PageHeader title={t('nav.opPrices')} />
      <p className="muted">{t('op.pricesIntro')}</p>
      <ErrorNote error={prices.error} />
      {prices.isPending ? <Loading /> : null}
      {prices.data
        ? Object.entries(prices.data).map(([k, v]) => (
            <Card key={k} title={k}>
              <pre tabIndex={0}>
                <code>{JSON.stringify(v, null, 2)}</code>
              </pre>
            </Card>
          ))
        : null}
    </>
  )
}
