import type { JobSummary } from '../api/contract'
import { useT } from '../i18n/i18n'

export function JobThumb({ job }: { job: Pick<JobSummary, 'thumbnailUrl' | 'outputUrl' | 'outputType' | 'model'> }) {
  const src = job.thumbnailUrl ?? (job.outputType === 'image' ? job.outputUrl : null)
  return src ? <img className="thumb" src={src} alt="" loading="lazy" /> : <span className="thumb" aria-hidden="true" />
}

/** The result itself: a player for video (inline, muted until asked), an image otherwise. */
export function JobMedia({ job }: { job: Pick<JobSummary, 'outputUrl' | 'outputType' | 'thumbnailUrl' | 'id'> }) {
  const t = useT()
  if (!job.outputUrl) return null
  return job.outputType === 'video' ? (
    <video className="media-preview" src={job.outputUrl} controls playsInline preload="metadata" poster={job.thumbnailUrl ?? undefined} aria-label={t('jobs.preview')} data-testid="job-video" />
  ) : (
    <img className="media-preview" src={job.outputUrl} alt={t('jobs.preview')} data-testid="job-image" />
  )
}

export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const v = Math.max(0, Math.min(100, value ?? 0))
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v)}>
      <div style={{ width: `${v}%` }} />
    </div>
  )
}
