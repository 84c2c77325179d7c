/** Where a job was running when it was cancelled: enough to tell that upstream to stop. */
export interface CancelledJob {
  id: string
  channel: string | null
  upstreamId: string | null
}

/**
 * What happened to jobs, told after it committed. The job service and the worker emit; the
 * modules that act on it subscribe (the worker wakes, the dispatcher sends, the upstream of a
 * cancelled job is told to stop), so the runtime only connects them.
 */
export interface JobEventMap {
  /** A job was accepted and is queued. */
  submitted: { id: string }
  /** A customer cancelled a job; its release and webhook are committed. */
  cancelled: CancelledJob
  /** A job reached succeeded or failed through the worker or the deadline sweep (its webhook is queued). */
  terminal: { id: string }
}

export type JobEventName = keyof JobEventMap

export interface JobEvents {
  on<E extends JobEventName>(event: E, handler: (payload: JobEventMap[E]) => void): void
  emit<E extends JobEventName>(event: E, payload: JobEventMap[E]): void
}

/** Handlers run synchronously in subscription order; one that throws does not stop the others. */
export function createJobEvents(onHandlerError?: (event: JobEventName, err: unknown) => void): JobEvents {
  const handlers: { [E in JobEventName]: Array<(p: JobEventMap[E]) => void> } = { submitted: [], cancelled: [], terminal: [] }
  return {
    on(event, handler) {
      handlers[event].push(handler)
    },
    emit(event, payload) {
      for (const h of handlers[event]) {
        try {
          h(payload)
        } catch (err) {
          onHandlerError?.(event, err)
        }
      }
    },
  }
}
