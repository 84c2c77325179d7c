import { codeOf } from '../error-code.js'
import type { StoreErrors } from '../adapter.js'

export const sqliteErrors: StoreErrors = {
  isUniqueViolation: (err) => ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes(codeOf(err)),
  // SQLITE_BUSY and its extended codes (_SNAPSHOT, _RECOVERY, _TIMEOUT).
  isBusy: (err) => codeOf(err).startsWith('SQLITE_BUSY'),
}
