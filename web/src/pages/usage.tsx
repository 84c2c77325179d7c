import { useState } from 'react'
import { qs } from '../api/client'
import type { LedgerEntry } from '../api/contract'
import { rowsOf, useCursorList } from '../api/queries'
import { useAccount } from '../components/account-context'
import { SpendByDayChart, SpendByModelBars } from '../components/charts'
import { ListState, DataTable, Card, Credits, Empty, ErrorNote, Field, Loading, MoreButton, PageHeader, When } from '../components/ui'
import { useT } from '../i18n/i18n'
import { BalanceCards, useUsage } from './overview'

export function UsagePage() {
  const t = useT()
  const { account } = useAccount()
  const [days, setDays] = useState(30)
  const usage = useUsage(account.id, days)
  const ledger = useCursorList<LedgerEntry>(['ledger'], '/account/v1/ledger', { accountId: account.id, limit: 50 })
  const rows = rowsOf(ledger.data)
  return (
    <>
      <PageHeader title={t('usage.title')}>
        <a className="btn btn-secondary" href={`/account/v1/ledger${qs({ accountId: account.id, format: 'csv' })}`} download={`ledger-${account.id}.csv`}>
          {t('usage.exportCsv')}
        </a>
      </PageHeader>
      <BalanceCards accountId={account.id} />
      <div className="filters">
        <Field label={t('usage.range')}>
          {(id) => (
            <select id={id} value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {[7, 30, 90].map((d) => (
                <option key={d} value={d}>
                  {t('usage.lastDays', { days: d })}
                </option>
              ))}
            </select>
          )}
        </Field>
        {usage.data ? (
          <p className="muted">
            {t('usage.totals', { jobs: usage.data.totals.jobs })} · <Credits value={usage.data.totals.credits} /> {t('common.credits')}
          </p>
        ) : null}
      </div>
      <ErrorNote error={usage.error} />
      <div className="grid">
        <Card title={t('overview.spendByDay')}>{usage.data?.byDay.length ? <SpendByDayChart days={usage.data.byDay} label={t('overview.spendByDay')} /> : <Empty>{t('overview.noSpend')}</Empty>}</Card>
        <Card title={t('overview.spendByModel')}>{usage.data?.byModel.length ? <SpendByModelBars models={usage.data.byModel} /> : <Empty>{t('overview.noSpend')}</Empty>}</Card>
      </div>
      <h2>{t('usage.ledger')}</h2>
      <ErrorNote error={ledger.error} />
      <ListState pending={ledger.isPending} count={rows.length} empty={t('usage.noEntries')}>
        <DataTable caption={t('usage.ledger')} columns={[t('usage.when'), t('usage.kind'), { label: t('usage.amount'), num: true }, t('usage.detail')]}>
          {rows.map((e) => (
            <tr key={e.id}>
              <td data-label={t('usage.when')}>
                <When at={e.at} />
              </td>
              <td data-label={t('usage.kind')}>
                <code>{e.kind}</code>
              </td>
              <td data-label={t('usage.amount')} className="num">
                <Credits value={e.amount} />
              </td>
              <td data-label={t('usage.detail')} className="ellipsis">
                {e.jobId ?? e.reason ?? e.source ?? ''}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      <MoreButton hasMore={!!ledger.hasNextPage} loading={ledger.isFetchingNextPage} onMore={() => void ledger.fetchNextPage()} />
    </>
  )
}
