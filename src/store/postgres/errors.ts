import { codeOf } from '../error-code.js'
import type { StoreErrors } from '../adapter.js'

export const postgresErrors: StoreErrors & { isUnstorableText(err: unknown): boolean } = {
  isUniqueViolation: (err) => codeOf(err) === '23505',
  // serialization_failure, deadlock_detected, lock_not_available.
  isBusy: (err) => ['40001', '40P01', '55P03'].includes(codeOf(err)),
  // character_not_in_repertoire (a NUL byte), untranslatable_character.
  isUnstorableText: (err) => ['22021', '22P05'].includes(codeOf(err)),
}
