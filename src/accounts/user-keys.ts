import { AppError, invalid } from '../errors.js'
import type { Accounts } from './accounts.js'
import type { Store } from '../store/db.js'
import type { WebhookEndpoints } from '../webhooks/endpoints.js'
import type { UsersTable } from '../store/schema.js'

export interface KeyView {
  id: string
  name: string | null
  prefix: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
  webhook: { url: string; progressEvents: boolean } | null
}

/**
 * A user's API keys: they belong to the user's personal account, so calls made with them are
 * charged to the user's own balance, whatever teams the user is in.
 */
export function createUserKeys(store: Store, accounts: Accounts, endpoints: WebhookEndpoints, checkWebhookUrl: (url: string) => string | null) {
  const { db } = store

  async function owned(user: UsersTable, keyId: string) {
    const key = await db.selectFrom('apiKeys').select(['id', 'accountId', 'revokedAt']).where('id', '=', keyId).where('accountId', '=', user.personalAccountId).executeTakeFirst()
    if (!key) throw new AppError('not_found', 'No API key with this id among yours.')
    return key
  }

  async function list(user: UsersTable): Promise<KeyView[]> {
    const rows = await db
      .selectFrom('apiKeys')
      .leftJoin('webhookEndpoints', 'webhookEndpoints.apiKeyId', 'apiKeys.id')
      .select(['apiKeys.id', 'apiKeys.name', 'apiKeys.prefix', 'apiKeys.createdAt', 'apiKeys.lastUsedAt', 'apiKeys.revokedAt', 'webhookEndpoints.url', 'webhookEndpoints.progressEvents'])
      .where('apiKeys.accountId', '=', user.personalAccountId)
      .orderBy('apiKeys.id', 'desc')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt ?? null,
      revokedAt: r.revokedAt,
      webhook: r.url ? { url: r.url, progressEvents: Boolean(r.progressEvents) } : null,
    }))
  }

  function checkName(name: string): string {
    const n = name.trim()
    if (n.length === 0 || n.length > 100) throw invalid('name', 'must be 1–100 characters')
    return n
  }

  return {
    list,

    async create(user: UsersTable, name: string): Promise<KeyView & { key: string }> {
      const acct = await db.selectFrom('accounts').select('name').where('id', '=', user.personalAccountId).executeTakeFirstOrThrow()
      const { key, info } = await accounts.createKey(acct.name, checkName(name))
      return { id: info.id, name: info.name, prefix: info.prefix, createdAt: info.createdAt, lastUsedAt: null, revokedAt: null, webhook: null, key }
    },

    async rename(user: UsersTable, keyId: string, name: string): Promise<KeyView> {
      await owned(user, keyId)
      await db
        .updateTable('apiKeys')
        .set({ name: checkName(name) })
        .where('id', '=', keyId)
        .execute()
      return (await list(user)).find((k) => k.id === keyId)!
    },

    async revoke(user: UsersTable, keyId: string): Promise<void> {
      const key = await owned(user, keyId)
      if (key.revokedAt !== null) return
      await accounts.revokeKey(keyId)
    },

    async setWebhook(user: UsersTable, keyId: string, patch: { url: string | null; progressEvents?: boolean | undefined; rotateSecret?: boolean | undefined }) {
      const key = await owned(user, keyId)
      if (key.revokedAt !== null) throw new AppError('not_found', 'This API key is revoked.')
      if (patch.url !== null) {
        const broken = checkWebhookUrl(patch.url)
        if (broken) throw invalid('url', broken)
      }
      const ep = await endpoints.update(keyId, key.accountId, { url: patch.url, progressEvents: patch.progressEvents, rotateSecret: patch.rotateSecret })
      return { url: ep.url, secret: ep.secret, progressEvents: Boolean(ep.progressEvents) }
    },
  }
}

export type UserKeys = ReturnType<typeof createUserKeys>
