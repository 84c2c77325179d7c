import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call } from '../api/client'
import { useBalance } from '../api/queries'
import { Button, Card, ErrorNote, Field } from '../components/ui'
import { useT } from '../i18n/i18n'

/** The account's `balance.low` threshold: the webhook and the overview's notice fire below it. */
export function LowBalanceCard({ accountId }: { accountId: string }) {
  const t = useT()
  const qc = useQueryClient()
  const balance = useBalance(accountId)
  // null: the field shows the stored value until the user types.
  const [draft, setDraft] = useState<string | null>(null)
  const stored = balance.data?.lowBalanceThreshold
  const value = draft ?? (stored === null || stored === undefined ? '' : String(stored))
  const save = useMutation({
    mutationFn: () => call('PUT', `/account/v1/accounts/${accountId}/low-balance`, { body: { threshold: value.trim() === '' ? null : Number(value) } }),
    onSuccess: () => {
      setDraft(null)
      void qc.invalidateQueries({ queryKey: ['balance', accountId] })
    },
  })
  return (
    <Card title={t('wallet.lowBalance')}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <Field label={t('wallet.lowBalanceThreshold')} hint={t('wallet.lowBalanceHint')}>
          {(id) => <input id={id} type="number" min={0} step={1} inputMode="numeric" value={value} onChange={(e) => setDraft(e.target.value)} />}
        </Field>
        <Button type="submit" disabled={save.isPending}>
          {t('wallet.lowBalanceSave')}
        </Button>
      </form>
      <ErrorNote error={save.error} />
      {save.isSuccess ? <p role="status">{t('wallet.lowBalanceSaved')}</p> : null}
    </Card>
  )
}
