import type { Store } from './db.js'

/** The account behind an active API key: what every authenticated request starts from. */
export interface ActiveKey {
  apiKeyId: string
  accountId: string
  accountName: string
  plan: string
  region: string | null
}

const SQL = `select k.id as "apiKeyId", k.account_id as "accountId", a.name as "accountName", a.plan, a.region
from api_keys k inner join accounts a on a.id = k.account_id
where k.hash = ? and k.revoked_at is null and a.disabled_at is null`

/**
 * The active key with this hash, on an account no operator disabled (its keys stop working).
 * Prepared once per store; runs on a cache miss of `accounts.authenticate`.
 */
export function prepareKeyByHash(store: Store): (hash: string) => Promise<ActiveKey | undefined> {
  const first = store.prepareFirst<ActiveKey>(SQL)
  return (hash) => first([hash])
}
