/**
 * undici loads on the first outbound call, not at start: it is about 170 ms and 20 MB that a
 * server whose jobs all run on the studio never needs. Every module that calls out takes it from
 * here, so it is imported once.
 */
let loading: Promise<typeof import('undici')> | undefined

export function loadUndici(): Promise<typeof import('undici')> {
  return (loading ??= import('undici'))
}
