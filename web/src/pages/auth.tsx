import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link, Navigate, useNavigate } from '@tanstack/react-router'
import { useState, type FormEvent, type ReactNode } from 'react'
import { ApiError, call } from '../api/client'
import type { Session } from '../api/contract'
import { SESSION_KEY, useAdoptSession, useSession, useSetupState } from '../api/session'
import { LanguageSelect } from '../components/layout'
import { Button, ErrorNote, Field } from '../components/ui'
import { useT } from '../i18n/i18n'

function AuthFrame({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-lang">
        <LanguageSelect id="auth-lang" />
      </div>
      <main className="auth-card" id="main">
        <div className="brand">Reelay</div>
        <h1>{title}</h1>
        {children}
        {footer ? <div className="auth-footer">{footer}</div> : null}
      </main>
    </div>
  )
}

function fieldError(error: unknown, field: string): string | null {
  return error instanceof ApiError && error.field === field ? error.message : null
}

/** Inputs with the server's per-field message under the right one. */
function TextInput({
  label,
  name,
  type = 'text',
  value,
  onChange,
  error,
  autoComplete,
  hint,
}: {
  label: string
  name: string
  type?: string
  value: string
  onChange: (v: string) => void
  error: unknown
  autoComplete?: string
  hint?: string
}) {
  return (
    <Field label={label} error={fieldError(error, name)} hint={hint}>
      {(id, describedBy) => (
        <input
          id={id}
          name={name}
          type={type}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete={autoComplete}
          aria-describedby={describedBy}
          aria-invalid={!!fieldError(error, name)}
          required={name !== 'name'}
        />
      )}
    </Field>
  )
}

const query = () => new URLSearchParams(window.location.search)

function useSessionForm<T>(path: string, shape: (form: T) => unknown = (f) => f) {
  const adopt = useAdoptSession()
  const navigate = useNavigate()
  return useMutation({
    mutationFn: (form: T) => call<Session>('POST', path, { body: shape(form) }),
    onSuccess: (s) => {
      adopt(s)
      void navigate({ to: '/' })
    },
  })
}

export function SetupPage() {
  const t = useT()
  const setup = useSetupState()
  const [form, setForm] = useState({ token: query().get('token') ?? '', email: '', password: '', name: '' })
  const m = useSessionForm<typeof form>('/account/v1/setup', (f) => (f.name ? f : { token: f.token, email: f.email, password: f.password }))
  if (setup.data && !setup.data.needsSetup) return <Navigate to="/login" />
  const submit = (e: FormEvent) => {
    e.preventDefault()
    m.mutate(form)
  }
  return (
    <AuthFrame title={t('setup.title')}>
      <p className="muted">{t('setup.intro')}</p>
      <form onSubmit={submit} noValidate={false}>
        <TextInput
          label={t('setup.token')}
          name="token"
          value={form.token}
          onChange={(token) => setForm({ ...form, token })}
          error={m.error}
          hint={t('setup.tokenHint')}
          autoComplete="one-time-code"
        />
        <TextInput label={t('auth.name')} name="name" value={form.name} onChange={(name) => setForm({ ...form, name })} error={m.error} autoComplete="name" />
        <TextInput label={t('auth.email')} name="email" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} error={m.error} autoComplete="email" />
        <TextInput
          label={t('auth.password')}
          name="password"
          type="password"
          value={form.password}
          onChange={(password) => setForm({ ...form, password })}
          error={m.error}
          autoComplete="new-password"
        />
        <ErrorNote error={m.error} />
        <Button type="submit" disabled={m.isPending}>
          {t('setup.submit')}
        </Button>
      </form>
    </AuthFrame>
  )
}

export function LoginPage() {
  const t = useT()
  const session = useSession()
  const setup = useSetupState()
  const [form, setForm] = useState({ email: '', password: '' })
  const m = useSessionForm<typeof form>('/account/v1/login')
  if (session.data) return <Navigate to="/" />
  if (setup.data?.needsSetup) return <Navigate to="/setup" />
  const locked = m.error instanceof ApiError && m.error.code === 'login_locked'
  return (
    <AuthFrame
      title={t('auth.loginTitle')}
      footer={
        setup.data && setup.data.signupMode !== 'closed' ? (
          <span>
            {t('auth.noAccount')} <Link to="/signup">{t('auth.signupLink')}</Link>
          </span>
        ) : null
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          m.mutate(form)
        }}
      >
        <TextInput label={t('auth.email')} name="email" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} error={m.error} autoComplete="email" />
        <TextInput
          label={t('auth.password')}
          name="password"
          type="password"
          value={form.password}
          onChange={(password) => setForm({ ...form, password })}
          error={m.error}
          autoComplete="current-password"
        />
        {locked ? (
          <div className="error-note" role="alert">
            {t('auth.locked', { seconds: (m.error as ApiError).retryAfter ?? 60 })}
          </div>
        ) : (
          <ErrorNote error={m.error} />
        )}
        <Button type="submit" disabled={m.isPending}>
          {t('auth.login')}
        </Button>
      </form>
    </AuthFrame>
  )
}

export function SignupPage() {
  const t = useT()
  const setup = useSetupState()
  const invite = query().get('invite') ?? query().get('inviteToken') ?? ''
  const [form, setForm] = useState({ email: query().get('email') ?? '', password: '', name: '' })
  const m = useSessionForm<Record<string, string>>('/account/v1/signup')
  const closed = !invite && setup.data?.signupMode === 'closed'
  const inviteOnly = !invite && setup.data?.signupMode === 'invite'
  return (
    <AuthFrame
      title={t('auth.signupTitle')}
      footer={
        <span>
          {t('auth.haveAccount')} <Link to="/login">{t('auth.login')}</Link>
        </span>
      }
    >
      {closed || inviteOnly ? (
        <p className="notice">{closed ? t('auth.signupClosed') : t('auth.signupInviteOnly')}</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            m.mutate({ email: form.email, password: form.password, ...(form.name ? { name: form.name } : {}), ...(invite ? { inviteToken: invite } : {}) })
          }}
        >
          {invite ? <p className="notice">{t('auth.invited')}</p> : null}
          <TextInput label={t('auth.name')} name="name" value={form.name} onChange={(name) => setForm({ ...form, name })} error={m.error} autoComplete="name" />
          <TextInput label={t('auth.email')} name="email" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} error={m.error} autoComplete="email" />
          <TextInput
            label={t('auth.password')}
            name="password"
            type="password"
            value={form.password}
            onChange={(password) => setForm({ ...form, password })}
            error={m.error}
            autoComplete="new-password"
            hint={t('auth.passwordHint')}
          />
          <ErrorNote error={m.error} />
          <Button type="submit" disabled={m.isPending}>
            {t('auth.signup')}
          </Button>
        </form>
      )}
    </AuthFrame>
  )
}

export function ResetPage() {
  const t = useT()
  const token = query().get('token') ?? ''
  const [password, setPassword] = useState('')
  const m = useMutation({ mutationFn: () => call('POST', '/account/v1/password-reset', { body: { token, password } }) })
  return (
    <AuthFrame
      title={t('reset.title')}
      footer={
        <Link to="/login" className={m.isSuccess ? 'btn btn-primary' : ''}>
          {t('auth.login')}
        </Link>
      }
    >
      {m.isSuccess ? (
        <p className="notice" role="status">
          {t('reset.done')}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            m.mutate()
          }}
        >
          {!token ? <p className="error-note">{t('reset.noToken')}</p> : null}
          <TextInput label={t('reset.password')} name="password" type="password" value={password} onChange={setPassword} error={m.error} autoComplete="new-password" />
          <ErrorNote error={m.error} />
          <Button type="submit" disabled={m.isPending || !token}>
            {t('reset.submit')}
          </Button>
        </form>
      )}
    </AuthFrame>
  )
}

/** An invite link (`/invite?token=`): a signed-in user joins; anyone else signs up with it. */
export function InvitePage() {
  const t = useT()
  const session = useSession()
  const navigate = useNavigate()
  const qc = useQueryClient()
  const token = query().get('token') ?? ''
  const accept = useMutation({
    mutationFn: () => call('POST', '/account/v1/invites/accept', { body: { inviteToken: token } }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: SESSION_KEY })
      void navigate({ to: '/team' })
    },
  })
  if (session.isPending) return null
  if (!session.data) return <Navigate to="/signup" search={{ invite: token }} />
  return (
    <AuthFrame title={t('invite.title')}>
      <p>{t('invite.signedInAs', { email: session.data.user.email })}</p>
      <ErrorNote error={accept.error} />
      <Button onClick={() => accept.mutate()} disabled={accept.isPending || !token}>
        {t('invite.join')}
      </Button>
    </AuthFrame>
  )
}
