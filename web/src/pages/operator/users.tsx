import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call } from '../../api/client'
import type { AdminUser, Invite } from '../../api/contract'
import { rowsOf, useCursorList } from '../../api/queries'
import { ListState, DataTable, Button, Card, CopyButton, Empty, ErrorNote, Field, Loading, MoreButton, PageHeader, When } from '../../components/ui'
import { useT } from '../../i18n/i18n'
import { SearchBox } from './accounts'

function Link({ url }: { url: string }) {
  const full = new URL(url, window.location.origin).toString()
  return (
    <div className="secret-once">
      <code className="secret" data-testid="issued-link">
        {full}
      </code>
      <CopyButton text={full} />
    </div>
  )
}

export function OperatorUsersPage() {
  const t = useT()
  const qc = useQueryClient()
  const [q, setQ] = useState('')
  const [email, setEmail] = useState('')
  const list = useCursorList<AdminUser>(['admin-users'], '/admin/v1/users', { q })
  const rows = rowsOf(list.data)
  const refresh = () => void qc.invalidateQueries({ queryKey: ['admin-users'] })
  const patch = useMutation({ mutationFn: (v: { id: string; body: Record<string, unknown> }) => call('PATCH', `/admin/v1/users/${v.id}`, { body: v.body }), onSuccess: refresh })
  const reset = useMutation({ mutationFn: (id: string) => call<{ url: string; expiresAt: number }>('POST', `/admin/v1/users/${id}/reset-link`) })
  const invite = useMutation({ mutationFn: () => call<Invite>('POST', '/admin/v1/invites', { body: { email } }) })
  return (
    <>
      <PageHeader title={t('nav.opUsers')} />
      <Card title={t('op.inviteUser')}>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault()
            invite.mutate()
          }}
        >
          <Field label={t('auth.email')}>{(id) => <input id={id} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
          <Button type="submit" disabled={invite.isPending}>
            {t('team.invite')}
          </Button>
        </form>
        <ErrorNote error={invite.error} />
        {invite.data ? <Link url={invite.data.inviteUrl} /> : null}
      </Card>
      <SearchBox label={t('op.searchUsers')} value={q} onChange={setQ} />
      <ErrorNote error={list.error ?? patch.error ?? reset.error} />
      {reset.data ? (
        <Card title={t('op.resetLink')}>
          <Link url={reset.data.url} />
          <p className="muted">
            {t('op.expires')} <When at={reset.data.expiresAt} />
          </p>
        </Card>
      ) : null}
      <ListState pending={list.isPending} count={rows.length} empty={t('op.noResults')}>
        <DataTable caption={t('nav.opUsers')} columns={[t('op.user'), t('team.role'), { label: t('common.actions'), hidden: true }]}>
          {rows.map((u) => (
            <tr key={u.id} className={u.disabled ? 'revoked' : ''}>
              <td data-label={t('op.user')}>
                {u.name ?? u.email}
                <div className="muted">
                  {u.email} {u.disabled ? `· ${t('op.disabled')}` : ''}
                </div>
              </td>
              <td data-label={t('team.role')}>
                <select aria-label={t('team.roleFor', { name: u.email })} value={u.role} onChange={(e) => patch.mutate({ id: u.id, body: { role: e.target.value } })}>
                  <option value="user">{t('op.roleUser')}</option>
                  <option value="admin">{t('op.roleAdmin')}</option>
                </select>
              </td>
              <td className="row-actions">
                <Button variant="secondary" onClick={() => reset.mutate(u.id)}>
                  {t('op.resetLink')}
                </Button>
                <Button variant="danger" onClick={() => patch.mutate({ id: u.id, body: { disabled: !u.disabled } })}>
                  {u.disabled ? t('op.enable') : t('op.disable')}
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      <MoreButton hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
    </>
  )
}
