import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import type { JobSummary } from '../api/contract'
import { isActive, rowsOf, useJobs, useModels } from '../api/queries'
import { useAccount } from '../components/account-context'
import { JobMedia, JobThumb } from '../components/jobs'
import { DataTable, Button, Credits, Empty, ErrorNote, Field, Loading, MoreButton, PageHeader, StatusBadge, When } from '../components/ui'
import { useT } from '../i18n/i18n'

const STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'cancelled'] as const

export function JobFilters({ status, model, onChange }: { status: string; model: string; onChange: (f: { status: string; model: string }) => void }) {
  const t = useT()
  const models = useModels()
  return (
    <div className="filters" role="search">
      <Field label={t('jobs.status')}>
        {(id) => (
          <select id={id} value={status} onChange={(e) => onChange({ status: e.target.value, model })}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('jobs.model')}>
        {(id) => (
          <select id={id} value={model} onChange={(e) => onChange({ status, model: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {models.data?.data.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  )
}

export function JobRows({ jobs, detail = true, extra }: { jobs: JobSummary[]; detail?: boolean; extra?: (j: JobSummary) => React.ReactNode }) {
  const t = useT()
  const [playing, setPlaying] = useState<string | null>(null)
  return (
    <DataTable caption={t('jobs.title')} columns={[t('jobs.preview'), t('jobs.job'), t('jobs.status'), t('jobs.created'), { label: t('jobs.charged'), num: true }, !!extra && t('jobs.upstream')]}>
      {jobs.map((j) => (
        <tr key={j.id}>
          <td data-label={t('jobs.preview')}>
            {playing === j.id ? (
              <JobMedia job={j} />
            ) : j.outputUrl && j.outputType === 'video' ? (
              <button type="button" className="btn-ghost" onClick={() => setPlaying(j.id)} aria-label={t('jobs.play', { id: j.id })}>
                <JobThumb job={j} />
              </button>
            ) : (
              <JobThumb job={j} />
            )}
          </td>
          <td data-label={t('jobs.job')}>
            {detail ? (
              <Link to="/jobs/$jobId" params={{ jobId: j.id }}>
                <code>{j.id}</code>
              </Link>
            ) : (
              <code>{j.id}</code>
            )}
            <div className="muted">
              {j.model} · {j.mode}
            </div>
          </td>
          <td data-label={t('jobs.status')}>
            <StatusBadge status={j.status} />
            {isActive(j) && j.progress !== null ? <span className="muted"> {Math.round(j.progress)}%</span> : null}
          </td>
          <td data-label={t('jobs.created')}>
            <When at={j.createdAt} />
          </td>
          <td data-label={t('jobs.charged')} className="num">
            <Credits value={j.credits.captured || j.credits.held - j.credits.released} />
          </td>
          {extra ? <td data-label={t('jobs.upstream')}>{extra(j)}</td> : null}
        </tr>
      ))}
    </DataTable>
  )
}

export function JobsPage() {
  const t = useT()
  const { account } = useAccount()
  const [filter, setFilter] = useState({ status: '', model: '' })
  const jobs = useJobs({ accountId: account.id, status: filter.status, model: filter.model, limit: 25 })
  const rows = rowsOf(jobs.data)
  return (
    <>
      <PageHeader title={t('jobs.title')}>
        <Button variant="secondary" onClick={() => void jobs.refetch()}>
          {t('common.refresh')}
        </Button>
        <Link to="/playground" className="btn btn-primary">
          {t('overview.newJob')}
        </Link>
      </PageHeader>
      <JobFilters {...filter} onChange={setFilter} />
      <ErrorNote error={jobs.error} />
      {jobs.isPending ? <Loading /> : rows.length === 0 ? <Empty>{t('jobs.empty')}</Empty> : <JobRows jobs={rows} />}
      <MoreButton hasMore={!!jobs.hasNextPage} loading={jobs.isFetchingNextPage} onMore={() => void jobs.fetchNextPage()} />
    </>
  )
}
