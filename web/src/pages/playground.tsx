import { useMutation, useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useEffect, useMemo, useState } from 'react'
import { ApiError, call } from '../api/client'
import type { CatalogModel, ImageRequest, JobSummary, Quote, VideoRequest } from '../api/contract'
import { isActive, useBalance, useModels } from '../api/queries'
import { useAccount } from '../components/account-context'
import { JobMedia, ProgressBar } from '../components/jobs'
import { Button, Card, Credits, ErrorNote, Field, Loading, PageHeader, StatusBadge } from '../components/ui'
import { useT, type MessageKey } from '../i18n/i18n'
import { CostCard, useJob } from './job-detail'

type Mode = 'text' | 'firstFrame' | 'firstLast' | 'references' | 'edit'
type Values = Record<string, string | boolean>

/** Which modes a model offers, from what its catalog entry says it takes. */
export function modesOf(m: CatalogModel): Mode[] {
  if (m.type === 'image') return (m.maxReferenceImages ?? 0) > 0 ? ['text', 'edit'] : ['text']
  const modes: Mode[] = ['text']
  if (m.frames) modes.push('firstFrame', 'firstLast')
  if ((m.references?.total ?? 0) > 0) modes.push('references')
  return modes
}

const MODE_LABEL: Record<Mode, MessageKey> = { text: 'play.modeText', firstFrame: 'play.modeFirstFrame', firstLast: 'play.modeFirstLast', references: 'play.modeReferences', edit: 'play.modeEdit' }

const urls = (v: string | boolean | undefined) =>
  typeof v === 'string'
    ? v
        .split(/\s+/)
        .map((s) => s.trim())
        .filter(Boolean)
    : []

/** The native submit body (POST /v1/videos/generate or /v1/images/generate) from the form. */
export function requestOf(m: CatalogModel, mode: Mode, v: Values): VideoRequest | ImageRequest {
  const r: Record<string, unknown> = { model: m.id, prompt: String(v.prompt ?? '') }
  const str = (k: string) => (typeof v[k] === 'string' && v[k] !== '' ? (v[k] as string) : undefined)
  for (const k of ['resolution', 'aspectRatio']) if (str(k)) r[k] = str(k)
  if (str('seed')) r.seed = Number(str('seed'))
  if (m.type === 'video') {
    if (str('duration')) r.duration = Number(str('duration'))
    if (m.audio) r.motionHasAudio = v.audio === true
    if (mode === 'firstFrame' || mode === 'firstLast') r.referenceImage = str('firstFrame')
    if (mode === 'firstLast') r.endImage = str('lastFrame')
    if (mode === 'references') {
      for (const [k, f] of [
        ['referenceImages', 'refImages'],
        ['referenceVideos', 'refVideos'],
        ['referenceAudios', 'refAudios'],
      ] as const)
        if (urls(v[f]).length) r[k] = urls(v[f])
    }
  } else {
    for (const k of ['quality', 'format']) if (str(k)) r[k] = str(k)
    if (str('n')) r.n = Number(str('n'))
    if (mode === 'edit' && urls(v.refImages).length) r.referenceImages = urls(v.refImages)
  }
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k]
  return m.type === 'video' ? (r as VideoRequest) : (r as ImageRequest)
}

/** What the catalog's price table says, for when the server has no quote endpoint. */
function estimate(m: CatalogModel & { pricing?: Record<string, unknown> }, req: VideoRequest | ImageRequest): number | null {
  const p = m.pricing as { creditsPerSecond?: Record<string, number>; baseCredits?: number; qualityMultiplier?: Record<string, number>; resolutionMultiplier?: Record<string, number> } | undefined
  if (!p) return null
  if (m.type === 'video') {
    const v = req as VideoRequest
    const rate = p.creditsPerSecond?.[String(v.resolution ?? m.resolutions[0])]
    const secs = Number(v.duration ?? m.durations?.[0] ?? 0)
    return rate && secs ? rate * secs : null
  }
  if (!p.baseCredits) return null
  const i = req as ImageRequest
  return Math.round(p.baseCredits * (p.qualityMultiplier?.[String(i.quality ?? 'MEDIUM')] ?? 1) * (p.resolutionMultiplier?.[String(i.resolution ?? m.resolutions[0])] ?? 1) * Number(i.n ?? 1))
}

function Select({
  label,
  name,
  options,
  value,
  set,
  labels,
}: {
  label: string
  name: string
  options: Array<string | number>
  value: Values
  set: (k: string, v: string) => void
  labels?: Record<string, string>
}) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} name={name} value={String(value[name] ?? '')} onChange={(e) => set(name, e.target.value)}>
          {options.map((o) => (
            <option key={o} value={String(o)}>
              {labels?.[String(o)] ?? String(o)}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

function UrlList({ label, name, max, value, set }: { label: string; name: string; max: number; value: Values; set: (k: string, v: string) => void }) {
  const t = useT()
  return (
    <Field label={label} hint={t('play.urlsHint', { max })}>
      {(id, d) => <textarea id={id} name={name} rows={2} value={String(value[name] ?? '')} onChange={(e) => set(name, e.target.value)} aria-describedby={d} placeholder="https://…" />}
    </Field>
  )
}

function defaults(m: CatalogModel): Values {
  return {
    prompt: '',
    resolution: m.resolutions[0] ?? '',
    aspectRatio: m.aspectRatios[0] ?? '',
    ...(m.durations ? { duration: String(m.durations.includes(5) ? 5 : m.durations[0]) } : {}),
    ...(m.qualities ? { quality: m.qualities.includes('MEDIUM') ? 'MEDIUM' : (m.qualities[0] ?? '') } : {}),
    ...(m.formats ? { format: m.formats[0] ?? '' } : {}),
    ...(m.batch ? { n: String(m.batch.min) } : {}),
    audio: false,
  }
}

function ModelForm({ model, accountId, onSubmitted }: { model: CatalogModel; accountId: string; onSubmitted: (j: JobSummary) => void }) {
  const t = useT()
  const modes = modesOf(model)
  const [mode, setMode] = useState<Mode>('text')
  const [values, setValues] = useState<Values>(() => defaults(model))
  const set = (k: string, v: string | boolean) => setValues((old) => ({ ...old, [k]: v }))
  const request = useMemo(() => requestOf(model, mode, values), [model, mode, values])
  const route = model.type === 'video' ? '/v1/videos/generate' : '/v1/images/generate'
  // The price before submit: the server's quote when it has one, else the catalog's table.
  const [debounced, setDebounced] = useState(request)
  useEffect(() => {
    const id = setTimeout(() => setDebounced(request), 400)
    return () => clearTimeout(id)
  }, [request])
  const quote = useQuery({
    queryKey: ['quote', accountId, route, debounced],
    queryFn: () => call<Quote>('POST', '/account/v1/quote', { body: { accountId, for: route, request: { ...debounced, prompt: String(debounced.prompt || 'x'.repeat(model.prompt.min)) } } }),
    retry: false,
  })
  const quoteMissing = quote.error instanceof ApiError && quote.error.status === 404 && quote.error.code === 'not_found'
  const price = quote.data?.credits ?? (quoteMissing || quote.isPending ? estimate(model, request) : null)
  const [idemKey, setIdemKey] = useState(() => crypto.randomUUID())
  const submit = useMutation({
    mutationFn: () => call<JobSummary>('POST', '/account/v1/jobs', { body: { accountId, kind: model.type, request }, headers: { 'idempotency-key': idemKey } }),
    onSuccess: (j) => {
      setIdemKey(crypto.randomUUID())
      onSubmitted(j)
    },
  })
  const err = submit.error instanceof ApiError ? submit.error : null
  const errFor = (f: string) => (err?.field === f ? err.message : null)
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        submit.mutate()
      }}
    >
      <fieldset className="modes">
        <legend>{t('play.mode')}</legend>
        {modes.map((m) => (
          <label key={m} className="check">
            <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} /> {t(MODE_LABEL[m])}
          </label>
        ))}
      </fieldset>
      <Field label={t('play.prompt')} hint={t('play.promptHint', { min: model.prompt.min, max: model.prompt.max })} error={errFor('prompt')}>
        {(id, d) => (
          <textarea
            id={id}
            name="prompt"
            value={String(values.prompt)}
            onChange={(e) => set('prompt', e.target.value)}
            minLength={model.prompt.min}
            maxLength={model.prompt.max}
            required
            aria-describedby={d}
          />
        )}
      </Field>
      <div className="grid">
        {model.durations ? <Select label={t('play.duration')} name="duration" options={model.durations} value={values} set={set} /> : null}
        <Select label={t('play.resolution')} name="resolution" options={model.resolutions} value={values} set={set} />
        <Select label={t('play.aspectRatio')} name="aspectRatio" options={model.aspectRatios} value={values} set={set} />
        {model.qualities ? <Select label={t('play.quality')} name="quality" options={model.qualities} value={values} set={set} /> : null}
        {model.formats ? <Select label={t('play.format')} name="format" options={model.formats} value={values} set={set} /> : null}
        {model.batch && model.batch.max > 1 ? (
          <Select label={t('play.count')} name="n" options={Array.from({ length: model.batch.max - model.batch.min + 1 }, (_, i) => model.batch!.min + i)} value={values} set={set} />
        ) : null}
        {model.seed !== false ? (
          <Field label={t('play.seed')} error={errFor('seed')}>
            {(id) => <input id={id} name="seed" inputMode="numeric" pattern="[0-9]*" value={String(values.seed ?? '')} onChange={(e) => set('seed', e.target.value)} />}
          </Field>
        ) : null}
      </div>
      {model.audio ? (
        <label className="check">
          <input type="checkbox" name="audio" checked={values.audio === true} onChange={(e) => set('audio', e.target.checked)} /> {t('play.audio')}
        </label>
      ) : null}
      {mode === 'firstFrame' || mode === 'firstLast' ? (
        <Field label={t('play.firstFrame')} error={errFor('referenceImage')}>
          {(id) => <input id={id} name="firstFrame" type="url" required value={String(values.firstFrame ?? '')} onChange={(e) => set('firstFrame', e.target.value)} placeholder="https://…" />}
        </Field>
      ) : null}
      {mode === 'firstLast' ? (
        <Field label={t('play.lastFrame')} error={errFor('endImage')}>
          {(id) => <input id={id} name="lastFrame" type="url" required value={String(values.lastFrame ?? '')} onChange={(e) => set('lastFrame', e.target.value)} placeholder="https://…" />}
        </Field>
      ) : null}
      {mode === 'references' && model.references ? (
        <>
          {model.references.images ? <UrlList label={t('play.refImages')} name="refImages" max={model.references.images} value={values} set={set} /> : null}
          {model.references.videos ? <UrlList label={t('play.refVideos')} name="refVideos" max={model.references.videos} value={values} set={set} /> : null}
          {model.references.audios ? <UrlList label={t('play.refAudios')} name="refAudios" max={model.references.audios} value={values} set={set} /> : null}
        </>
      ) : null}
      {mode === 'edit' ? <UrlList label={t('play.refImages')} name="refImages" max={model.maxReferenceImages ?? 0} value={values} set={set} /> : null}
      <div className="price" aria-live="polite">
        {t('play.price')}: <strong data-testid="quote">{price === null ? '—' : <Credits value={price} />}</strong> {t('common.credits')}
        {quote.data ? (
          <span className="muted">
            {' '}
            · {t('play.available')} <Credits value={quote.data.available} />
          </span>
        ) : quoteMissing ? (
          <span className="muted"> · {t('play.estimate')}</span>
        ) : null}
        {quote.data?.breakdown.length ? (
          <ul className="muted">
            {quote.data.breakdown.map((b) => (
              <li key={b.item}>
                {b.item}: <Credits value={b.credits} />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <ErrorNote error={submit.error} />
      <div className="row">
        <Button type="submit" disabled={submit.isPending}>
          {t('play.submit')}
        </Button>
      </div>
    </form>
  )
}

function LiveJob({ id }: { id: string }) {
  const t = useT()
  const job = useJob(id)
  if (!job.data) return <Loading />
  const j = job.data
  return (
    <Card title={t('play.result')}>
      <p>
        <Link to="/jobs/$jobId" params={{ jobId: j.id }}>
          <code>{j.id}</code>
        </Link>{' '}
        <StatusBadge status={j.status} />
      </p>
      {isActive(j) ? <ProgressBar value={j.progress} label={t('job.progress')} /> : null}
      {j.error ? (
        <div className="error-note" role="alert">
          {j.error.message}
        </div>
      ) : null}
      <JobMedia job={j} />
      {j.outputUrl ? (
        <div className="row">
          <a className="btn btn-primary" href={j.outputUrl} download>
            {t('job.download')}
          </a>
        </div>
      ) : null}
      <CostCard job={j} />
    </Card>
  )
}

export function PlaygroundPage() {
  const t = useT()
  const { account } = useAccount()
  const models = useModels()
  const balance = useBalance(account.id)
  const [modelId, setModelId] = useState('')
  const [jobId, setJobId] = useState<string | null>(null)
  const list = models.data?.data ?? []
  const model = list.find((m) => m.id === modelId) ?? list[0]
  return (
    <>
      <PageHeader title={t('play.title')} />
      <p className="muted">
        {t('play.charged', { account: account.kind === 'personal' ? t('common.personal') : account.name })} <Credits value={balance.data?.available} /> {t('common.credits')}
      </p>
      <ErrorNote error={models.error} />
      {models.isPending ? (
        <Loading />
      ) : model ? (
        <div className="grid play">
          <Card>
            <Field label={t('play.model')} hint={model.description}>
              {(id, d) => (
                <select id={id} value={model.id} onChange={(e) => setModelId(e.target.value)} aria-describedby={d}>
                  {(['video', 'image'] as const).map((type) => (
                    <optgroup key={type} label={t(type === 'video' ? 'play.video' : 'play.image')}>
                      {list
                        .filter((m) => m.type === type)
                        .map((m) => (
                          <option key={m.id} value={m.id}>
                            {m.name}
                          </option>
                        ))}
                    </optgroup>
                  ))}
                </select>
              )}
            </Field>
            <ModelForm key={model.id} model={model} accountId={account.id} onSubmitted={(j) => setJobId(j.id)} />
          </Card>
          {jobId ? <LiveJob id={jobId} /> : null}
        </div>
      ) : null}
    </>
  )
}
