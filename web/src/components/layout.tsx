import { useQueryClient } from '@tanstack/react-query'
import { Link, Navigate, Outlet, useRouterState } from '@tanstack/react-router'
import { useEffect, useMemo, useState } from 'react'
import { call, forgetSession } from '../api/client'
import type { Locale } from '../api/contract'
import { personalAccount, SESSION_KEY, useSession, useSetupState } from '../api/session'
import { LOCALES, useI18n, type MessageKey } from '../i18n/i18n'
import { AccountContext } from './account-context'
import { Button, ErrorNote, Loading } from './ui'

const CUSTOMER_NAV: Array<[string, MessageKey]> = [
  ['/', 'nav.overview'],
  ['/playground', 'nav.playground'],
  ['/jobs', 'nav.jobs'],
  ['/keys', 'nav.keys'],
  ['/usage', 'nav.usage'],
  ['/webhooks', 'nav.webhooks'],
  ['/team', 'nav.team'],
  ['/wallet', 'nav.wallet'],
  ['/pricing', 'nav.pricing'],
  ['/profile', 'nav.profile'],
]
const OPERATOR_NAV: Array<[string, MessageKey]> = [
  ['/operator', 'nav.opAccounts'],
  ['/operator/users', 'nav.opUsers'],
  ['/operator/jobs', 'nav.opJobs'],
  ['/operator/channels', 'nav.opChannels'],
  ['/operator/prices', 'nav.opPrices'],
  ['/operator/system', 'nav.opSystem'],
]

export function LanguageSelect({ id = 'lang' }: { id?: string }) {
  const { locale, setLocale, t } = useI18n()
  return (
    <div className="lang">
      <label htmlFor={id} className="sr-only">
        {t('common.language')}
      </label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l.id} value={l.id}>
            {l.label}
          </option>
        ))}
      </select>
    </div>
  )
}

export function AppLayout() {
  const { t, setLocale, locale } = useI18n()
  const session = useSession()
  const setup = useSetupState()
  const qc = useQueryClient()
  const path = useRouterState({ select: (s) => s.location.pathname })
  const [menuOpen, setMenuOpen] = useState(false)
  const [accountId, setAccountId] = useState<string | null>(null)
  useEffect(() => setMenuOpen(false), [path])
  // A user's saved language wins once, at sign-in; the picker changes it from then on.
  const saved = session.data?.user.locale
  useEffect(() => {
    if (saved && saved !== locale && !sessionStorage.getItem('reelay.localeApplied')) setLocale(saved)
    if (saved) sessionStorage.setItem('reelay.localeApplied', '1')
  }, [saved, locale, setLocale])

  const choice = useMemo(() => {
    const s = session.data
    if (!s) return null
    const account = s.accounts.find((a) => a.id === accountId) ?? personalAccount(s)
    return account ? { session: s, account, setAccountId } : null
  }, [session.data, accountId])

  if (session.isPending) return <Loading />
  if (session.error) return <ErrorNote error={session.error} />
  if (!session.data) return <Navigate to={setup.data?.needsSetup ? '/setup' : '/login'} />
  if (!choice) return <ErrorNote error={new Error('no account')} />
  const s = session.data
  const isAdmin = s.user.role === 'admin'

  const logout = async () => {
    await call('POST', '/account/v1/logout').catch(() => undefined)
    forgetSession()
    sessionStorage.removeItem('reelay.localeApplied')
    qc.setQueryData(SESSION_KEY, null)
    qc.clear()
  }

  const navLink = ([to, key]: [string, MessageKey]) => (
    <li key={to}>
      <Link to={to} activeOptions={{ exact: true }} activeProps={{ className: 'active', 'aria-current': 'page' }}>
        {t(key)}
      </Link>
    </li>
  )

  return (
    <AccountContext.Provider value={choice}>
      <a className="skip" href="#main">
        {t('common.skipToContent')}
      </a>
      <div className="shell">
        <header className="topbar">
          <Button variant="ghost" className="menu-toggle" aria-expanded={menuOpen} aria-controls="sidenav" onClick={() => setMenuOpen(!menuOpen)}>
            {t('nav.menu')}
          </Button>
          <Link to="/" className="brand">
            Reelay
          </Link>
          <div className="topbar-right">
            {s.accounts.length > 1 ? (
              <div className="account-pick">
                <label htmlFor="account-pick">{t('common.balanceFor')}</label>
                <select id="account-pick" value={choice.account.id} onChange={(e) => setAccountId(e.target.value)}>
                  {s.accounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.kind === 'personal' ? t('common.personal') : a.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <LanguageSelect />
            <span className="user muted" title={s.user.email}>
              {s.user.name ?? s.user.email}
            </span>
            <Button variant="ghost" onClick={() => void logout()}>
              {t('auth.logout')}
            </Button>
          </div>
        </header>
        <nav id="sidenav" className={`sidenav ${menuOpen ? 'open' : ''}`} aria-label={t('nav.main')}>
          <ul>{CUSTOMER_NAV.map(navLink)}</ul>
          <ul>
            <li>
              <a href="/docs" target="_blank" rel="noreferrer">
                {t('nav.docs')}
              </a>
            </li>
          </ul>
          {isAdmin ? (
            <>
              <h2 className="nav-group">{t('nav.operator')}</h2>
              <ul>{OPERATOR_NAV.map(navLink)}</ul>
            </>
          ) : null}
        </nav>
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </AccountContext.Provider>
  )
}
