/** A region name: what `REELAY_REGION`, a channel's `region` and a request's `region` must look like. */
export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/
export const REGION_RULE = 'lowercase letters, digits and -, at most 32'

/**
 * The region a new job prefers: the request's own, else the account's default, else the node
 * that took the request. Null when none is set (every channel is equally near).
 */
export function jobRegion(requested: string | undefined, accountDefault: string | null | undefined, node: string | undefined): string | null {
  return requested ?? accountDefault ?? node ?? null
}
