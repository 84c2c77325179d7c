import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useParams } from '@tanstack/react-router'
import { call, get } from '../api/client'
import type { JobDetail } from '../api/contract'
import { isActive } from '../api/queries'
import { JobMedia, ProgressBar } from '../components/jobs'
import { DataTable, Button, Card, Credits, Empty, ErrorNote, Loading, PageHeader, StatusBadge, When } from '../components/ui'
import { useT } from '../i18n/i18n'

export function useJob(jobId: string) {
  return useQuery({
    queryKey: ['job', jobId],
    queryFn: () => get<JobDetail>(`/account/v1/jobs/${jobId}`),
    // Live progress while it runs; one request once it is done.
    refetchInterval: (q) => (q.state.data && isActive(q.state.data) ? 2_000 : false),
  })
}

export function CostCard({ job }: { job: Pick<JobDetail, 'credits'> }) {
  const t = useT()
  return (
    <Card title={t('job.cost')}>
      <dl className="kv">
        <dt>{t('job.held')}</dt>
        <dd data-testid="cost-held">
          <Credits value={job.credits.held} />
        </dd>
        <dt>{t('job.captured')}</dt>
        <dd data-testid="cost-captured">
          <Credits value={job.credits.captured} />
        </dd>
        <dt>{t('job.refunded')}</dt>
        <dd data-testid="cost-refunded">
          <Credits value={job.credits.released} />
        </dd>
      </dl>
    </Card>
  )
}

export function JobDetailPage() {
  const t = useT()
  const qc = useQueryClient()
  const { jobId } = useParams({ strict: false }) as { jobId: string }
  const job = useJob(jobId)
  const cancel = useMutation({
    mutationFn: () => call('POST', `/account/v1/jobs/${jobId}/cancel`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['job', jobId] }),
  })
  const redeliver = useMutation({
    mutationFn: (id: string) => call('POST', `/account/v1/webhooks/deliveries/${id}/redeliver`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['job', jobId] }),
  })
  if (job.isPending) return <Loading />
  if (job.error || !job.data) return <ErrorNote error={job.error} />
  const j = job.data
  return (
    <>
      <PageHeader title={t('job.title')}>
        <Link to="/jobs">{t('job.back')}</Link>
        {isActive(j) ? (
          <Button variant="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            {t('job.cancel')}
          </Button>
        ) : null}
        {j.outputUrl ? (
          <a className="btn btn-primary" href={j.outputUrl} download>
            {t('job.download')}
          </a>
        ) : null}
      </PageHeader>
      <ErrorNote error={cancel.error} />
      <p>
        <code>{j.id}</code> · {j.model} · {j.mode} · <StatusBadge status={j.status} />
      </p>
      {isActive(j) ? <ProgressBar value={j.progress} label={t('job.progress')} /> : null}
      {j.error ? (
        <div className="error-note" role="alert">
          {j.error.message} <span className="code">({j.error.code})</span>
        </div>
      ) : null}
      <div className="grid">
        <Card title={t('jobs.preview')}>{j.outputUrl ? <JobMedia job={j} /> : <Empty>{t('job.noOutput')}</Empty>}</Card>
        <CostCard job={j} />
        <Card title={t('job.timeline')}>
          <ol className="timeline">
            {j.timeline.map((e, i) => (
              <li key={i}>
                <StatusBadge status={e.status} /> <When at={e.at} />
              </li>
            ))}
          </ol>
        </Card>
      </div>
      <Card title={t('job.params')}>
        {j.prompt ? (
          <dl className="kv">
            <dt>{t('job.prompt')}</dt>
            <dd>{j.prompt.original}</dd>
            {j.prompt.translated ? (
              <>
                <dt>{t('job.translated')}</dt>
                <dd>{j.prompt.translated}</dd>
              </>
            ) : null}
            {j.prompt.enhanced ? (
              <>
                <dt>{t('job.enhanced')}</dt>
                <dd>{j.prompt.enhanced}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
        <pre tabIndex={0}>
          <code>{JSON.stringify(j.params, null, 2)}</code>
        </pre>
      </Card>
      <Card title={t('job.webhooks')}>
        {j.webhookDeliveries.length === 0 ? (
          <Empty>{t('job.noWebhooks')}</Empty>
        ) : (
          <DeliveryTable deliveries={j.webhookDeliveries} onRedeliver={(id) => redeliver.mutate(id)} pending={redeliver.isPending} />
        )}
        <ErrorNote error={redeliver.error} />
      </Card>
    </>
  )
}

export function DeliveryTable({ deliveries, onRedeliver, pending }: { deliveries: JobDetail['webhookDeliveries']; onRedeliver: (id: string) => void; pending: boolean }) {
  const t = useT()
  return (
    <DataTable caption={t('job.webhooks')} columns={[t('webhooks.event'), t('webhooks.url'), t('webhooks.status'), t('webhooks.attempts'), { label: t('common.actions'), hidden: true }]}>
      {deliveries.map((d) => (
        <tr key={d.id}>
          <td data-label={t('webhooks.event')}>
            <code>{d.event}</code>
            {d.jobId ? <div className="muted">{d.jobId}</div> : null}
          </td>
          <td data-label={t('webhooks.url')} className="ellipsis" title={d.url}>
            {d.url}
          </td>
          <td data-label={t('webhooks.status')}>
            <span className={`badge badge-${d.status === 'delivered' ? 'succeeded' : d.status === 'failed' ? 'failed' : 'queued'}`}>{d.status}</span>
          </td>
          <td data-label={t('webhooks.attempts')}>
            <ol className="attempts">
              {d.attempts.map((a, i) => (
                <li key={i}>
                  <When at={a.at} /> — {a.statusCode ?? a.error ?? '—'}
                </li>
              ))}
            </ol>
          </td>
          <td className="row-actions">
            <Button variant="secondary" onClick={() => onRedeliver(d.id)} disabled={pending} aria-label={t('webhooks.redeliverNamed', { event: d.event })}>
              {t('webhooks.redeliver')}
            </Button>
          </td>
        </tr>
      ))}
    </DataTable>
  )
}
