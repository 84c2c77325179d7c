import type { Store } from '../store/db.js'

export const SIGNUP_MODES = ['open', 'invite', 'closed'] as const
export type SignupMode = (typeof SIGNUP_MODES)[number]

const SIGNUP_KEY = 'settings:signupMode'

/** Operator settings changed at run time: a `meta` row each, falling back to the configured default. */
export function createSettings(store: Store, defaults: { signupMode: SignupMode }) {
  const { db } = store
  return {
    async signupMode(trx = db): Promise<SignupMode> {
      const row = await trx.selectFrom('meta').select('value').where('key', '=', SIGNUP_KEY).executeTakeFirst()
      return (SIGNUP_MODES as readonly string[]).includes(row?.value ?? '') ? (row!.value as SignupMode) : defaults.signupMode
    },
    async setSignupMode(trx: typeof db, mode: SignupMode): Promise<void> {
      await trx
        .insertInto('meta')
        .values({ key: SIGNUP_KEY, value: mode })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: mode }))
        .execute()
    },
  }
}

export type Settings = ReturnType<typeof createSettings>
