import { useMutation, useQuery } from '@tanstack/react-query'
import { call, get } from '../../api/client'
import type { Channel } from '../../api/contract'
import { ListState, DataTable, Button, Empty, ErrorNote, Loading, PageHeader } from '../../components/ui'
import { useT } from '../../i18n/i18n'

export function OperatorChannelsPage() {
  const t = useT()
  const channels = useQuery({ queryKey: ['admin-channels'], queryFn: () => get<Channel[] | { data: Channel[] }>('/admin/v1/channels'), refetchInterval: 10_000 })
  const test = useMutation({
    mutationFn: (name: string) => call<{ ok: boolean; latencyMs: number; error?: string }>('POST', `/admin/v1/channels/${encodeURIComponent(name)}/test`).then((r) => ({ name, ...r })),
  })
  const rows = Array.isArray(channels.data) ? channels.data : (channels.data?.data ?? [])
  return (
    <>
      <PageHeader title={t('nav.opChannels')} />
      <ErrorNote error={channels.error ?? test.error} />
      {test.data ? (
        <p role="status" className={test.data.ok ? 'notice' : 'error-note'}>
          {test.data.name}: {test.data.ok ? t('op.testOk', { ms: test.data.latencyMs }) : (test.data.error ?? t('op.testFailed'))}
        </p>
      ) : null}
      <ListState pending={channels.isPending} count={rows.length} empty={t('op.noChannels')}>
        <DataTable caption={t('nav.opChannels')} columns={[t('op.channel'), t('op.health'), t('op.breaker'), { label: t('op.load'), num: true }, { label: t('common.actions'), hidden: true }]}>
          {rows.map((c) => (
            <tr key={c.name}>
              <td data-label={t('op.channel')}>
                {c.name}
                <div className="muted">
                  {c.provider} {c.region ?? ''}
                </div>
              </td>
              <td data-label={t('op.health')}>
                <span className={`badge badge-${c.healthy ? 'succeeded' : 'failed'}`}>{c.healthy ? t('op.healthy') : t('op.unhealthy')}</span>
              </td>
              <td data-label={t('op.breaker')}>{c.breaker}</td>
              <td data-label={t('op.load')} className="num">
                {c.inFlight} / {c.capacity ?? '∞'}
              </td>
              <td className="row-actions">
                <Button variant="secondary" onClick={() => test.mutate(c.name)} disabled={test.isPending} aria-label={t('op.testNamed', { name: c.name })}>
                  {t('op.test')}
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
    </>
  )
}
