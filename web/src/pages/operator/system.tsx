import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { call, get } from '../../api/client'
import type { AuditEntry, SignupMode, SystemInfo } from '../../api/contract'
import { rowsOf, useCursorList } from '../../api/queries'
import { ListState, DataTable, Card, Empty, ErrorNote, Field, Loading, MoreButton, PageHeader, When } from '../../components/ui'
import { useT } from '../../i18n/i18n'

export function OperatorSystemPage() {
  const t = useT()
  const qc = useQueryClient()
  const system = useQuery({ queryKey: ['admin-system'], queryFn: () => get<SystemInfo>('/admin/v1/system') })
  const doctor = useQuery({ queryKey: ['admin-doctor'], queryFn: () => get<{ ok: boolean; problems: unknown[] }>('/admin/v1/doctor') })
  const settings = useQuery({ queryKey: ['admin-settings'], queryFn: () => get<{ signupMode: SignupMode }>('/admin/v1/settings') })
  const audit = useCursorList<AuditEntry>(['admin-audit'], '/admin/v1/audit', {})
  const setMode = useMutation({
    mutationFn: (signupMode: SignupMode) => call('PATCH', '/admin/v1/settings', { body: { signupMode } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['admin-settings'] }),
  })
  const rows = rowsOf(audit.data)
  return (
    <>
      <PageHeader title={t('nav.opSystem')} />
      <div className="grid">
        <Card title={t('op.doctor')}>
          {doctor.isPending ? <Loading /> : null}
          <ErrorNote error={doctor.error} />
          {doctor.data ? (
            doctor.data.ok ? (
              <p className="badge badge-succeeded">{t('op.doctorOk')}</p>
            ) : (
              <ul className="field-error">
                {doctor.data.problems.map((p, i) => (
                  <li key={i}>{typeof p === 'string' ? p : JSON.stringify(p)}</li>
                ))}
              </ul>
            )
          ) : null}
        </Card>
        <Card title={t('op.signupMode')}>
          <ErrorNote error={settings.error ?? setMode.error} />
          {settings.data ? (
            <Field label={t('op.signupMode')}>
              {(id) => (
                <select id={id} value={settings.data.signupMode} onChange={(e) => setMode.mutate(e.target.value as SignupMode)}>
                  <option value="open">{t('op.signupOpen')}</option>
                  <option value="invite">{t('op.signupInvite')}</option>
                  <option value="closed">{t('op.signupClosed')}</option>
                </select>
              )}
            </Field>
          ) : null}
        </Card>
        <Card title={t('op.version')}>
          <ErrorNote error={system.error} />
          {system.data ? (
            <dl className="kv">
              <dt>{t('op.version')}</dt>
              <dd>{system.data.version}</dd>
              <dt>{t('op.database')}</dt>
              <dd>{system.data.database}</dd>
            </dl>
          ) : null}
        </Card>
      </div>
      {system.data ? (
        <Card title={t('op.config')}>
          <pre tabIndex={0}>
            <code>{JSON.stringify(system.data.config, null, 2)}</code>
          </pre>
        </Card>
      ) : null}
      <h2>{t('op.audit')}</h2>
      <ErrorNote error={audit.error} />
      <ListState pending={audit.isPending} count={rows.length} empty={t('op.noAudit')}>
        <DataTable caption={t('op.audit')} columns={[t('usage.when'), t('op.actor'), t('op.action'), t('usage.detail')]}>
          {rows.map((a) => (
            <tr key={a.id}>
              <td data-label={t('usage.when')}>
                <When at={a.at} />
              </td>
              <td data-label={t('op.actor')}>{a.actorUserId ?? '—'}</td>
              <td data-label={t('op.action')}>
                <code>{a.action}</code> {a.target ?? ''}
              </td>
              <td data-label={t('usage.detail')} className="ellipsis">
                {a.detail ? JSON.stringify(a.detail) : ''}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      <MoreButton hasMore={!!audit.hasNextPage} loading={audit.isFetchingNextPage} onMore={() => void audit.fetchNextPage()} />
    </>
  )
}
