import { Link } from '@tanstack/react-router'
import { useT } from '../i18n/i18n'

export function NotFound() {
  const t = useT()
  return (
    <div className="center-page">
      <h1>{t('notFound.title')}</h1>
      <Link to="/">{t('notFound.home')}</Link>
    </div>
  )
}
