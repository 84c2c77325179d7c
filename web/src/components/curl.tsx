import { useT } from '../i18n/i18n'
import { CopyButton } from './ui'

/** Copy-paste commands with this server's own base URL. */
export function CurlExample({ model = 'seedance-2.0-fast', prompt = 'A paper boat drifting down a rainy street' }: { model?: string; prompt?: string }) {
  const t = useT()
  const base = window.location.origin
  const submit = `curl -s ${base}/v1/videos/generate \\
  -H "Authorization: Bearer $REELAY_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${JSON.stringify({ model, prompt, duration: 5, resolution: '480p' })}'`
  const poll = `curl -s ${base}/v1/jobs/$JOB_ID -H "Authorization: Bearer $REELAY_API_KEY"`
  return (
    <div className="curl">
      <p className="muted">
        {t('curl.intro')}{' '}
        <a href="/docs" target="_blank" rel="noreferrer">
          {t('nav.docs')}
        </a>
      </p>
      <pre tabIndex={0} aria-label={t('curl.submit')}>
        <code>{submit}</code>
      </pre>
      <CopyButton text={submit} label={t('curl.copySubmit')} />
      <pre tabIndex={0} aria-label={t('curl.poll')}>
        <code>{poll}</code>
      </pre>
      <CopyButton text={poll} label={t('curl.copyPoll')} />
    </div>
  )
}
