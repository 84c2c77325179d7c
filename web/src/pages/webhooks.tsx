import { useMutation, useQueryClient } from '@tanstack/react-query'
import { call } from '../api/client'
import type { WebhookDelivery } from '../api/contract'
import { rowsOf, useCursorList } from '../api/queries'
import { ListState, Empty, ErrorNote, Loading, MoreButton, PageHeader } from '../components/ui'
import { useT } from '../i18n/i18n'
import { DeliveryTable } from './job-detail'

export function WebhooksPage() {
  const t = useT()
  const qc = useQueryClient()
  const list = useCursorList<WebhookDelivery>(['deliveries'], '/account/v1/webhooks/deliveries', {})
  const redeliver = useMutation({
    mutationFn: (id: string) => call('POST', `/account/v1/webhooks/deliveries/${id}/redeliver`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['deliveries'] }),
  })
  const rows = rowsOf(list.data)
  return (
    <>
      <PageHeader title={t('webhooks.title')} />
      <p className="muted">{t('webhooks.intro')}</p>
      <ErrorNote error={list.error ?? redeliver.error} />
      {redeliver.isSuccess ? <p role="status">{t('webhooks.queued')}</p> : null}
      <ListState pending={list.isPending} count={rows.length} empty={t('webhooks.empty')}>
        <DeliveryTable deliveries={rows} onRedeliver={(id) => redeliver.mutate(id)} pending={redeliver.isPending} />
      </ListState>
      <MoreButton hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
    </>
  )
}
