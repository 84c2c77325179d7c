import * as Dialog from '@radix-ui/react-dialog'
import { useId, useState, type ButtonHTMLAttributes, type ReactNode } from 'react'
import { ApiError } from '../api/client'
import type { JobStatus } from '../api/contract'
import { useI18n, useT } from '../i18n/i18n'

export function Button({ variant = 'primary', ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' | 'ghost' }) {
  return <button type="button" {...props} className={`btn btn-${variant} ${props.className ?? ''}`} />
}

/** A labelled input: the label is tied to the control, and an error names it for screen readers. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string
  hint?: string | undefined
  error?: string | null | undefined
  children: (id: string, describedBy: string | undefined) => ReactNode
}) {
  const id = useId()
  const describedBy = error ? `${id}-err` : hint ? `${id}-hint` : undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {hint && !error ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  )
}

/** The server's message for a failed call (codes from src/errors.ts), or a generic line. */
export function ErrorNote({ error }: { error: unknown }) {
  const t = useT()
  if (!error) return null
  const msg = error instanceof ApiError ? error.message : t('error.generic')
  const code = error instanceof ApiError ? error.code : null
  return (
    <div className="error-note" role="alert">
      {msg}
      {code ? <span className="code"> ({code})</span> : null}
    </div>
  )
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT()
  const [done, setDone] = useState(false)
  return (
    <Button
      variant="secondary"
      aria-label={label ?? t('common.copy')}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => setDone(false),
        )
        setTimeout(() => setDone(false), 2_000)
      }}
    >
      {done ? t('common.copied') : t('common.copy')}
    </Button>
  )
}

export function Modal({ open, onOpenChange, title, description, children }: { open: boolean; onOpenChange: (o: boolean) => void; title: string; description?: string; children: ReactNode }) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="modal-overlay" />
        <Dialog.Content className="modal" {...(description ? {} : { 'aria-describedby': undefined })}>
          <Dialog.Title className="modal-title">{title}</Dialog.Title>
          {description ? <Dialog.Description className="muted">{description}</Dialog.Description> : null}
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

export function Credits({ value }: { value: number | null | undefined }) {
  const { formatNumber } = useI18n()
  return <span className="credits">{value === null || value === undefined ? '—' : formatNumber(value)}</span>
}

export function When({ at }: { at: number | null | undefined }) {
  const { formatDate } = useI18n()
  return at ? <time dateTime={new Date(at).toISOString()}>{formatDate(at)}</time> : <span>—</span>
}

export function StatusBadge({ status }: { status: JobStatus | string }) {
  const t = useT()
  const known = ['queued', 'processing', 'succeeded', 'failed', 'cancelled'].includes(status)
  return <span className={`badge badge-${status}`}>{known ? t(`status.${status as JobStatus}`) : status}</span>
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="actions">{children}</div> : null}
    </div>
  )
}

export function Card({ title, children, className }: { title?: string; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`} aria-label={title}>
      {title ? <h2>{title}</h2> : null}
      {children}
    </section>
  )
}

export function Loading() {
  const t = useT()
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty muted">{children}</p>
}

/** "Load more" for cursor lists: the server's nextCursor, never an offset. */
export function MoreButton({ hasMore, loading, onMore }: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  const t = useT()
  if (!hasMore) return null
  return (
    <Button variant="secondary" onClick={onMore} disabled={loading}>
      {loading ? t('common.loading') : t('common.loadMore')}
    </Button>
  )
}

export interface Column {
  label: string
  /** Right-aligned figures. */
  num?: boolean
  /** Read out but not shown (an actions column). */
  hidden?: boolean
}

/** A table with a caption for screen readers; below 760 px each row stacks as a card. */
export function DataTable({ caption, columns, children }: { caption: string; columns: Array<Column | string | false>; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => {
              if (c === false) return null
              const col = typeof c === 'string' ? { label: c } : c
              return (
                <th key={i} scope="col" className={col.num ? 'num' : undefined}>
                  {col.hidden ? <span className="sr-only">{col.label}</span> : col.label}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

/** A list's loading and empty states, so each page only says what a row looks like. */
export function ListState({ pending, count, empty, children }: { pending: boolean; count: number; empty: string; children: ReactNode }) {
  if (pending) return <Loading />
  if (count === 0) return <Empty>{empty}</Empty>
  return <>{children}</>
}
