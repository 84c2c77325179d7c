import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call, get } from '../api/client'
import type { Invite, Team } from '../api/contract'
import { SESSION_KEY } from '../api/session'
import { useAccount } from '../components/account-context'
import { DataTable, Button, Card, Credits, CopyButton, Empty, ErrorNote, Field, Loading, PageHeader } from '../components/ui'
import { useT } from '../i18n/i18n'

const ROLES = ['owner', 'admin', 'member'] as const

function TeamCard({ teamId, canManage }: { teamId: string; canManage: boolean }) {
  const t = useT()
  const qc = useQueryClient()
  const team = useQuery({ queryKey: ['team', teamId], queryFn: () => get<Team>(`/account/v1/teams/${teamId}`) })
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<(typeof ROLES)[number]>('member')
  const refresh = () => void qc.invalidateQueries({ queryKey: ['team', teamId] })
  const invite = useMutation({ mutationFn: () => call<Invite>('POST', `/account/v1/teams/${teamId}/invites`, { body: { email, role } }), onSuccess: refresh })
  const setMemberRole = useMutation({
    mutationFn: (v: { userId: string; role: string }) => call('PATCH', `/account/v1/teams/${teamId}/members/${v.userId}`, { body: { role: v.role } }),
    onSuccess: refresh,
  })
  const remove = useMutation({ mutationFn: (userId: string) => call('DELETE', `/account/v1/teams/${teamId}/members/${userId}`), onSuccess: refresh })
  if (team.isPending) return <Loading />
  if (!team.data) return <ErrorNote error={team.error} />
  const usage = new Map(team.data.usageByMember.map((u) => [u.userId, u]))
  return (
    <Card title={team.data.name}>
      <DataTable caption={t('team.members')} columns={[t('team.member'), t('team.role'), { label: t('team.usage'), num: true }, { label: t('common.actions'), hidden: true }]}>
        {team.data.members.map((m) => (
          <tr key={m.userId}>
            <td data-label={t('team.member')}>
              {m.name ?? m.email}
              <div className="muted">{m.email}</div>
            </td>
            <td data-label={t('team.role')}>
              {canManage ? (
                <select aria-label={t('team.roleFor', { name: m.email })} value={m.role} onChange={(e) => setMemberRole.mutate({ userId: m.userId, role: e.target.value })}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`team.role.${r}`)}
                    </option>
                  ))}
                </select>
              ) : (
                t(`team.role.${m.role}`)
              )}
            </td>
            <td data-label={t('team.usage')} className="num">
              <Credits value={usage.get(m.userId)?.credits ?? 0} /> · {usage.get(m.userId)?.jobs ?? 0} {t('team.jobs')}
            </td>
            <td className="row-actions">
              {canManage && m.role !== 'owner' ? (
                <Button variant="danger" onClick={() => remove.mutate(m.userId)} aria-label={t('team.removeNamed', { name: m.email })}>
                  {t('team.remove')}
                </Button>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
      {team.data.invites.length ? (
        <p className="muted">
          {t('team.pending')}: {team.data.invites.map((i) => i.email).join(', ')}
        </p>
      ) : null}
      <ErrorNote error={setMemberRole.error ?? remove.error} />
      {canManage ? (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault()
            invite.mutate()
          }}
        >
          <Field label={t('team.inviteEmail')}>{(id) => <input id={id} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
          <Field label={t('team.role')}>
            {(id) => (
              <select id={id} value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
                {ROLES.filter((r) => r !== 'owner').map((r) => (
                  <option key={r} value={r}>
                    {t(`team.role.${r}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button type="submit" disabled={invite.isPending}>
            {t('team.invite')}
          </Button>
        </form>
      ) : null}
      <ErrorNote error={invite.error} />
      {invite.data ? (
        <div className="secret-once">
          <p className="notice">{t('team.inviteLink')}</p>
          <code className="secret" data-testid="invite-url">
            {new URL(invite.data.inviteUrl, window.location.origin).toString()}
          </code>
          <CopyButton text={new URL(invite.data.inviteUrl, window.location.origin).toString()} />
        </div>
      ) : null}
    </Card>
  )
}

export function TeamPage() {
  const t = useT()
  const qc = useQueryClient()
  const { session } = useAccount()
  const [name, setName] = useState('')
  const create = useMutation({
    mutationFn: () => call<{ id: string }>('POST', '/account/v1/teams', { body: { name } }),
    onSuccess: () => {
      setName('')
      // The new team is one of the user's accounts now.
      void qc.invalidateQueries({ queryKey: SESSION_KEY })
    },
  })
  const teams = session.accounts.filter((a) => a.kind === 'team')
  return (
    <>
      <PageHeader title={t('team.title')} />
      <p className="muted">{t('team.intro')}</p>
      {teams.length === 0 ? <Empty>{t('team.none')}</Empty> : teams.map((a) => <TeamCard key={a.id} teamId={a.id} canManage={a.role !== 'member'} />)}
      <Card title={t('team.create')}>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault()
            create.mutate()
          }}
        >
          <Field label={t('team.name')}>{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}</Field>
          <Button type="submit" disabled={create.isPending}>
            {t('team.create')}
          </Button>
        </form>
        <ErrorNote error={create.error} />
      </Card>
    </>
  )
}
