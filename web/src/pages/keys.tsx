import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { call, get } from '../api/client'
import type { ApiKey, CreatedKey, WebhookSetting } from '../api/contract'
import { ListState, DataTable, Button, Card, CopyButton, Empty, ErrorNote, Field, Loading, Modal, PageHeader, When } from '../components/ui'
import { CurlExample } from '../components/curl'
import { useT } from '../i18n/i18n'

const KEYS = ['keys'] as const
const MAX_KEYS = 10

function CreateKey({ activeCount }: { activeCount: number }) {
  const t = useT()
  const qc = useQueryClient()
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const create = useMutation({
    mutationFn: () => call<CreatedKey>('POST', '/account/v1/keys', { body: { name } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEYS }),
  })
  const close = (o: boolean) => {
    setOpen(o)
    if (!o) {
      // The secret is gone once the dialog closes: it is never fetched again.
      create.reset()
      setName('')
    }
  }
  return (
    <>
      <Button onClick={() => setOpen(true)} disabled={activeCount >= MAX_KEYS}>
        {t('keys.create')}
      </Button>
      <Modal open={open} onOpenChange={close} title={create.data ? t('keys.createdTitle') : t('keys.create')}>
        {create.data ? (
          <div className="secret-once">
            <p className="notice">{t('keys.shownOnce')}</p>
            <code className="secret" data-testid="new-key-secret">
              {create.data.key}
            </code>
            <div className="row">
              <CopyButton text={create.data.key} label={t('keys.copySecret')} />
              <Button onClick={() => close(false)}>{t('common.done')}</Button>
            </div>
          </div>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault()
              create.mutate()
            }}
          >
            <Field label={t('keys.name')}>{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />}</Field>
            <ErrorNote error={create.error} />
            <div className="row">
              <Button type="submit" disabled={create.isPending}>
                {t('keys.create')}
              </Button>
              <Button variant="secondary" onClick={() => close(false)}>
                {t('common.cancel')}
              </Button>
            </div>
          </form>
        )}
      </Modal>
    </>
  )
}

function WebhookDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const t = useT()
  const qc = useQueryClient()
  const [url, setUrl] = useState(apiKey.webhook?.url ?? '')
  const [progress, setProgress] = useState(apiKey.webhook?.progressEvents ?? false)
  const save = useMutation({
    mutationFn: (opts: { rotateSecret?: boolean; clear?: boolean }) =>
      call<WebhookSetting>('PUT', `/account/v1/keys/${apiKey.id}/webhook`, { body: { url: opts.clear ? null : url, progressEvents: progress, ...(opts.rotateSecret ? { rotateSecret: true } : {}) } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEYS }),
  })
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title={t('keys.webhookTitle', { name: apiKey.name ?? apiKey.prefix })} description={t('keys.webhookIntro')}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate({})
        }}
      >
        <Field label={t('keys.webhookUrl')}>{(id) => <input id={id} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/reelay" />}</Field>
        <label className="check">
          <input type="checkbox" checked={progress} onChange={(e) => setProgress(e.target.checked)} /> {t('keys.progressEvents')}
        </label>
        <ErrorNote error={save.error} />
        {save.data?.secret ? (
          <div className="secret-once">
            <p className="notice">{t('keys.webhookSecret')}</p>
            <code className="secret" data-testid="webhook-secret">
              {save.data.secret}
            </code>
            <CopyButton text={save.data.secret} />
          </div>
        ) : save.isSuccess ? (
          <p role="status">{t('common.saved')}</p>
        ) : null}
        <div className="row">
          <Button type="submit" disabled={save.isPending || !url}>
            {t('common.save')}
          </Button>
          {apiKey.webhook ? (
            <>
              <Button variant="secondary" onClick={() => save.mutate({ rotateSecret: true })}>
                {t('keys.rotateSecret')}
              </Button>
              <Button variant="danger" onClick={() => save.mutate({ clear: true })}>
                {t('keys.removeWebhook')}
              </Button>
            </>
          ) : null}
          <Button variant="ghost" onClick={onClose}>
            {t('common.close')}
          </Button>
        </div>
      </form>
    </Modal>
  )
}

export function KeysPage() {
  const t = useT()
  const qc = useQueryClient()
  const keys = useQuery({ queryKey: KEYS, queryFn: () => get<{ data: ApiKey[] }>('/account/v1/keys') })
  const [hook, setHook] = useState<ApiKey | null>(null)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)
  const revoke = useMutation({
    mutationFn: (id: string) => call('DELETE', `/account/v1/keys/${id}`),
    onSuccess: () => {
      setRevoking(null)
      void qc.invalidateQueries({ queryKey: KEYS })
    },
  })
  const list = keys.data?.data ?? []
  const active = list.filter((k) => !k.revokedAt)
  return (
    <>
      <PageHeader title={t('keys.title')}>
        <CreateKey activeCount={active.length} />
      </PageHeader>
      <p className="muted">{t('keys.intro', { max: MAX_KEYS, count: active.length })}</p>
      <ErrorNote error={keys.error} />
      <ListState pending={keys.isPending} count={list.length} empty={t('keys.empty')}>
        <DataTable caption={t('keys.title')} columns={[t('keys.name'), t('keys.prefix'), t('keys.created'), t('keys.lastUsed'), t('keys.webhook'), { label: t('common.actions'), hidden: true }]}>
          {list.map((k) => (
            <tr key={k.id} className={k.revokedAt ? 'revoked' : ''}>
              <td data-label={t('keys.name')}>{k.name ?? '—'}</td>
              <td data-label={t('keys.prefix')}>
                <code>{k.prefix}</code>
              </td>
              <td data-label={t('keys.created')}>
                <When at={k.createdAt} />
              </td>
              <td data-label={t('keys.lastUsed')}>
                <When at={k.lastUsedAt} />
              </td>
              <td data-label={t('keys.webhook')} className="ellipsis">
                {k.webhook?.url ?? '—'}
              </td>
              <td className="row-actions">
                {k.revokedAt ? (
                  <span className="badge badge-cancelled">{t('keys.revoked')}</span>
                ) : (
                  <>
                    <Button variant="secondary" onClick={() => setHook(k)} aria-label={t('keys.webhookFor', { name: k.name ?? k.prefix })}>
                      {t('keys.webhook')}
                    </Button>
                    <Button variant="danger" onClick={() => setRevoking(k)} aria-label={t('keys.revokeNamed', { name: k.name ?? k.prefix })}>
                      {t('keys.revoke')}
                    </Button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      {hook ? <WebhookDialog apiKey={hook} onClose={() => setHook(null)} /> : null}
      <Modal open={!!revoking} onOpenChange={(o) => !o && setRevoking(null)} title={t('keys.revokeTitle')} description={t('keys.revokeWarn', { name: revoking?.name ?? revoking?.prefix ?? '' })}>
        <ErrorNote error={revoke.error} />
        <div className="row">
          <Button variant="danger" onClick={() => revoking && revoke.mutate(revoking.id)} disabled={revoke.isPending}>
            {t('keys.revoke')}
          </Button>
          <Button variant="secondary" onClick={() => setRevoking(null)}>
            {t('common.cancel')}
          </Button>
        </div>
      </Modal>
      <Card title={t('keys.tryIt')}>
        <CurlExample />
      </Card>
    </>
  )
}
