import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call, get } from '../../api/client'
import type { AdminAccount, Balance } from '../../api/contract'
import { rowsOf, useCursorList } from '../../api/queries'
import { ListState, DataTable, Button, Credits, Empty, ErrorNote, Field, Loading, Modal, MoreButton, PageHeader } from '../../components/ui'
import { useT } from '../../i18n/i18n'

export function SearchBox({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }) {
  return (
    <div className="filters" role="search">
      <Field label={label}>{(id) => <input id={id} type="search" value={value} onChange={(e) => onChange(e.target.value)} />}</Field>
    </div>
  )
}

function CreditsDialog({ account, onClose }: { account: AdminAccount; onClose: () => void }) {
  const t = useT()
  const qc = useQueryClient()
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const [plan, setPlan] = useState(account.plan)
  const detail = useQuery({ queryKey: ['admin-account', account.id], queryFn: () => get<AdminAccount>(`/admin/v1/accounts/${account.id}`) })
  const done = () => {
    void qc.invalidateQueries({ queryKey: ['admin-accounts'] })
    void qc.invalidateQueries({ queryKey: ['admin-account', account.id] })
  }
  const grant = useMutation({
    mutationFn: (sign: 1 | -1) => call<Balance>('POST', `/admin/v1/accounts/${account.id}/credits`, { body: { amount: sign * Math.abs(Math.trunc(Number(amount))), reason } }),
    onSuccess: done,
  })
  const patch = useMutation({ mutationFn: (body: Record<string, unknown>) => call('PATCH', `/admin/v1/accounts/${account.id}`, { body }), onSuccess: done })
  const a = detail.data ?? account
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title={t('op.accountTitle', { name: account.displayName ?? account.name })}>
      <p>
        {t('overview.balance')}: <Credits value={grant.data?.balance ?? a.balance} /> · {t('overview.available')}: <Credits value={grant.data?.available ?? a.available} />
      </p>
      <form onSubmit={(e) => e.preventDefault()}>
        <Field label={t('op.amount')}>{(id) => <input id={id} inputMode="numeric" pattern="[0-9]*" required value={amount} onChange={(e) => setAmount(e.target.value)} />}</Field>
        <Field label={t('op.reason')}>{(id) => <input id={id} required value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
        <div className="row">
          <Button onClick={() => grant.mutate(1)} disabled={!amount || !reason || grant.isPending}>
            {t('op.grant')}
          </Button>
          <Button variant="danger" onClick={() => grant.mutate(-1)} disabled={!amount || !reason || grant.isPending}>
            {t('op.debit')}
          </Button>
        </div>
      </form>
      <ErrorNote error={grant.error} />
      {grant.isSuccess ? <p role="status">{t('common.saved')}</p> : null}
      <hr />
      <Field label={t('op.plan')}>{(id) => <input id={id} value={plan} onChange={(e) => setPlan(e.target.value)} />}</Field>
      <div className="row">
        <Button variant="secondary" onClick={() => patch.mutate({ plan })}>
          {t('op.setPlan')}
        </Button>
        <Button variant="danger" onClick={() => patch.mutate({ disabled: !a.disabled })}>
          {a.disabled ? t('op.enable') : t('op.disable')}
        </Button>
        <Button variant="ghost" onClick={onClose}>
          {t('common.close')}
        </Button>
      </div>
      <ErrorNote error={patch.error} />
    </Modal>
  )
}

export function OperatorAccountsPage() {
  const t = useT()
  const [q, setQ] = useState('')
  const [open, setOpen] = useState<AdminAccount | null>(null)
  const list = useCursorList<AdminAccount>(['admin-accounts'], '/admin/v1/accounts', { q })
  const rows = rowsOf(list.data)
  return (
    <>
      <PageHeader title={t('nav.opAccounts')} />
      <SearchBox label={t('op.searchAccounts')} value={q} onChange={setQ} />
      <ErrorNote error={list.error} />
      <ListState pending={list.isPending} count={rows.length} empty={t('op.noResults')}>
        <DataTable caption={t('nav.opAccounts')} columns={[t('op.account'), t('op.plan'), { label: t('overview.balance'), num: true }, { label: t('common.actions'), hidden: true }]}>
          {rows.map((a) => (
            <tr key={a.id} className={a.disabled ? 'revoked' : ''}>
              <td data-label={t('op.account')}>
                {a.name}
                <div className="muted">
                  <code>{a.id}</code> {a.kind ?? ''} {a.disabled ? `· ${t('op.disabled')}` : ''}
                </div>
              </td>
              <td data-label={t('op.plan')}>{a.plan}</td>
              <td data-label={t('overview.balance')} className="num">
                <Credits value={a.balance} />
              </td>
              <td className="row-actions">
                <Button variant="secondary" onClick={() => setOpen(a)} aria-label={t('op.manageNamed', { name: a.displayName ?? a.name })}>
                  {t('op.manage')}
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      <MoreButton hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
      {open ? <CreditsDialog account={open} onClose={() => setOpen(null)} /> : null}
    </>
  )
}
