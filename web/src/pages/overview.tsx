import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { get, qs } from '../api/client'
import type { Usage } from '../api/contract'
import { isActive, rowsOf, useBalance, useJobs } from '../api/queries'
import { useAccount } from '../components/account-context'
import { SpendByDayChart, SpendByModelBars } from '../components/charts'
import { JobThumb } from '../components/jobs'
import { ListState, Card, Credits, Empty, ErrorNote, Loading, PageHeader, StatusBadge } from '../components/ui'
import { useT } from '../i18n/i18n'

const DAY = 86_400_000

export function useUsage(accountId: string, days: number) {
  // A whole-day window, so the key is stable across renders within a day.
  const to = Math.ceil(Date.now() / DAY) * DAY
  const from = to - days * DAY
  return useQuery({ queryKey: ['usage', accountId, from, to], queryFn: () => get<Usage>(`/account/v1/usage${qs({ accountId, from, to })}`) })
}

export function BalanceCards({ accountId }: { accountId: string }) {
  const t = useT()
  const balance = useBalance(accountId)
  if (balance.error) return <ErrorNote error={balance.error} />
  const b = balance.data
  return (
    <>
      {b?.flagged ? (
        <p role="alert" className="field-error">
          {t('overview.flagged')}
        </p>
      ) : null}
      <div className="grid">
        {(['balance', 'reserved', 'available'] as const).map((k) => (
          <Card key={k}>
            <div className="stat-label">{t(`overview.${k}`)}</div>
            <div className="stat" data-testid={k}>
              <Credits value={b?.[k]} />
            </div>
            {k === 'available' && b && b.lowBalanceThreshold !== null && b.available < b.lowBalanceThreshold ? <p className="field-error">{t('overview.lowBalance')}</p> : null}
          </Card>
        ))}
      </div>
    </>
  )
}

export function OverviewPage() {
  const t = useT()
  const { account } = useAccount()
  const usage = useUsage(account.id, 30)
  const jobs = useJobs({ accountId: account.id, limit: 20 }, 5_000)
  const active = rowsOf(jobs.data).filter(isActive)
  return (
    <>
      <PageHeader title={t('overview.title')}>
        <Link to="/playground" className="btn btn-primary">
          {t('overview.newJob')}
        </Link>
      </PageHeader>
      <BalanceCards accountId={account.id} />
      <div className="grid">
        <Card title={t('overview.spendByDay')}>
          {usage.isPending ? <Loading /> : usage.data?.byDay.length ? <SpendByDayChart days={usage.data.byDay} label={t('overview.spendByDay')} /> : <Empty>{t('overview.noSpend')}</Empty>}
          <ErrorNote error={usage.error} />
        </Card>
        <Card title={t('overview.spendByModel')}>{usage.data?.byModel.length ? <SpendByModelBars models={usage.data.byModel} /> : <Empty>{t('overview.noSpend')}</Empty>}</Card>
      </div>
      <Card title={t('overview.activeJobs')}>
        <ListState pending={jobs.isPending} count={active.length} empty={t('overview.noActive')}>
          <ul className="bars" style={{ listStyle: 'none', padding: 0 }}>
            {active.map((j) => (
              <li key={j.id} className="row">
                <JobThumb job={j} />
                <Link to="/jobs/$jobId" params={{ jobId: j.id }}>
                  {j.model}
                </Link>
                <StatusBadge status={j.status} />
                {j.progress !== null ? <span className="muted">{Math.round(j.progress)}%</span> : null}
              </li>
            ))}
          </ul>
        </ListState>
      </Card>
    </>
  )
}
