import { useState } from 'react'
import type { AdminJob } from '../../api/contract'
import { rowsOf, useCursorList } from '../../api/queries'
import { ListState, Empty, ErrorNote, Field, Loading, MoreButton, PageHeader } from '../../components/ui'
import { useT } from '../../i18n/i18n'
import { JobRows } from '../jobs'

export function OperatorJobsPage() {
  const t = useT()
  const [accountId, setAccountId] = useState('')
  const [status, setStatus] = useState('')
  const list = useCursorList<AdminJob>(['admin-jobs'], '/admin/v1/jobs', { accountId, status })
  const rows = rowsOf(list.data)
  return (
    <>
      <PageHeader title={t('nav.opJobs')} />
      <div className="filters" role="search">
        <Field label={t('op.accountId')}>{(id) => <input id={id} value={accountId} onChange={(e) => setAccountId(e.target.value.trim())} placeholder="acct_…" />}</Field>
        <Field label={t('jobs.status')}>
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {(['queued', 'processing', 'succeeded', 'failed', 'cancelled'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorNote error={list.error} />
      <ListState pending={list.isPending} count={rows.length} empty={t('jobs.empty')}>
        <JobRows
          jobs={rows}
          detail={false}
          extra={(j) => {
            const a = j as AdminJob
            return (
              <>
                <div>
                  {a.channel ?? '—'} <span className="muted">{a.provider ?? ''}</span>
                </div>
                {a.upstreamId ? <code className="muted">{a.upstreamId}</code> : null}
                {a.upstreamError ? <div className="field-error">{a.upstreamError}</div> : null}
              </>
            )
          }}
        />
      </ListState>
      <MoreButton hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
    </>
  )
}
