import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call } from '../api/client'
import { useAccount } from '../components/account-context'
import { Button, Card, Credits, ErrorNote, Field, PageHeader } from '../components/ui'
import { useI18n } from '../i18n/i18n'
import { BalanceCards } from './overview'
import { money, usePricing } from './pricing'
import { LowBalanceCard } from './low-balance'

export function WalletPage() {
  const { t, locale } = useI18n()
  const qc = useQueryClient()
  const { account } = useAccount()
  const pricing = usePricing()
  const [code, setCode] = useState('')
  const redeem = useMutation({
    mutationFn: () => call<{ credited: number; balance: number }>('POST', '/account/v1/redeem', { body: { accountId: account.id, code: code.trim() } }),
    onSuccess: () => {
      setCode('')
      void qc.invalidateQueries({ queryKey: ['balance', account.id] })
    },
  })
  const checkout = useMutation({
    mutationFn: (packId: string) => call<{ url: string }>('POST', '/account/v1/checkout', { body: { accountId: account.id, packId } }),
    onSuccess: (r) => window.location.assign(r.url),
  })
  return (
    <>
      <PageHeader title={t('wallet.title')} />
      <BalanceCards accountId={account.id} />
      <div className="grid">
        <Card title={t('wallet.redeem')}>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              redeem.mutate()
            }}
          >
            <Field label={t('wallet.code')}>{(id) => <input id={id} required value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />}</Field>
            <Button type="submit" disabled={redeem.isPending}>
              {t('wallet.redeemSubmit')}
            </Button>
          </form>
          <ErrorNote error={redeem.error} />
          {redeem.data ? (
            <p role="status">
              {t('wallet.redeemed')} <Credits value={redeem.data.credited} />
            </p>
          ) : null}
        </Card>
        <Card title={t('wallet.topUp')}>
          {pricing.data?.packs.length ? (
            <ul className="bars" style={{ listStyle: 'none', padding: 0 }}>
              {pricing.data.packs.map((p) => (
                <li key={p.id} className="row">
                  <span>
                    {p.name}: <Credits value={p.credits} /> {t('common.credits')} — {money(p.price, locale)}
                  </span>
                  <Button variant="secondary" onClick={() => checkout.mutate(p.id)} disabled={checkout.isPending}>
                    {t('wallet.buy')}
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('wallet.noPacks')}</p>
          )}
          <ErrorNote error={checkout.error} />
        </Card>
        <LowBalanceCard accountId={account.id} />
      </div>
    </>
  )
}
