import { PageHeader } from '../../components/ui'
import { useT } from '../../i18n/i18n'

export function OperatorJobsPage() {
  const t = useT()
  return <PageHeader title={t('common.loading')} />
}
