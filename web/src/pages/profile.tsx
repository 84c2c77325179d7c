import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call } from '../api/client'
import type { Locale } from '../api/contract'
import { SESSION_KEY } from '../api/session'
import { useAccount } from '../components/account-context'
import { Button, Card, ErrorNote, Field, PageHeader } from '../components/ui'
import { LOCALES, useI18n } from '../i18n/i18n'

export function ProfilePage() {
  const { t, locale, setLocale } = useI18n()
  const qc = useQueryClient()
  const { session } = useAccount()
  const [name, setName] = useState(session.user.name ?? '')
  const [lang, setLang] = useState<Locale>(session.user.locale ?? locale)
  const [pw, setPw] = useState({ current: '', next: '' })
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => call('PATCH', '/account/v1/profile', { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: SESSION_KEY }),
  })
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <Card title={t('profile.details')}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            setLocale(lang)
            save.mutate({ name, locale: lang })
          }}
        >
          <p className="muted">{session.user.email}</p>
          <Field label={t('profile.name')}>{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}</Field>
          <Field label={t('common.language')}>
            {(id) => (
              <select id={id} value={lang} onChange={(e) => setLang(e.target.value as Locale)}>
                {LOCALES.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button type="submit" disabled={save.isPending}>
            {t('common.save')}
          </Button>
        </form>
      </Card>
      <Card title={t('profile.password')}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate({ password: pw }, { onSuccess: () => setPw({ current: '', next: '' }) })
          }}
        >
          <Field label={t('profile.currentPassword')}>
            {(id) => <input id={id} type="password" autoComplete="current-password" required value={pw.current} onChange={(e) => setPw({ ...pw, current: e.target.value })} />}
          </Field>
          <Field label={t('profile.newPassword')}>
            {(id) => <input id={id} type="password" autoComplete="new-password" required value={pw.next} onChange={(e) => setPw({ ...pw, next: e.target.value })} />}
          </Field>
          <Button type="submit" disabled={save.isPending}>
            {t('profile.changePassword')}
          </Button>
        </form>
      </Card>
      <ErrorNote error={save.error} />
      {save.isSuccess ? <p role="status">{t('common.saved')}</p> : null}
    </>
  )
}
