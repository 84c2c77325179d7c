import { invalid } from '../errors.js'
import { fileKind } from '../storage/file-links.js'
import type { Store } from '../store/db.js'
import { getOwnedJob } from '../store/jobs/index.js'

/** A signed link to one of our stored files, found in a submit's references, with the field it came in. */
export interface FileRef {
  field: string
  key: string
}

/**
 * A signed link is a bearer token, but as a job input it must also be the caller's own: an
 * upload of this account, or an output of one of its (not deleted) jobs. Anything else is a 400
 * naming the field, before any credits are held.
 */
export async function assertReadableFiles(store: Store, accountId: string, refs: FileRef[]): Promise<void> {
  for (const ref of refs) {
    const kind = fileKind(ref.key)
    const own = !kind
      ? undefined
      : 'upload' in kind
        ? await store.db.selectFrom('uploads').select('key').where('key', '=', kind.upload).where('accountId', '=', accountId).executeTakeFirst()
        : await getOwnedJob(store.db, accountId, kind.jobId)
    if (!own) throw invalid(ref.field, 'is a link to a file that does not belong to this account')
  }
}
