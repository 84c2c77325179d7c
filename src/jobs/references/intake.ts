import { createHash } from 'node:crypto'
import { AppError, invalid } from '../../errors.js'
import { brokenReferenceRule, referenceRules } from '../../catalog/reference-rules.js'
import { ReferenceProblem, type ReferenceFetcher } from './fetch.js'
import { KIND_NAMES, type InspectedMedia, type Inspector } from './inspect.js'
import type { CatalogModel } from '../../catalog/models.js'
import type { Clock } from '../../domain/clock.js'
import type { Storage } from '../../storage/storage.js'
import type { ReferenceItem } from './slots.js'
import { readStored } from '../../storage/read-all.js'

/** One reference after intake: checked, and stored under its content hash. */
export interface TakenReference {
  item: ReferenceItem
  key: string
  sha256: string
  bytes: number
  media: InspectedMedia
}

interface Cached {
  key: string
  sha256: string
  bytes: number
  media: InspectedMedia
  expiresAt: number
}

export interface IntakeDeps {
  fetcher: ReferenceFetcher
  inspect: Inspector
  storage: Storage
  clock: Clock
  /** How long a fetched URL is reused without downloading it again. */
  cacheTtlMs: number
  maxBytes: number
  /** This deployment's own signed file links → their storage key (uploads are read, not fetched). */
  ownKey?: (url: string) => string | null
  /** Removes objects this intake stored when the request does not become a job. */
  discard: (keys: string[]) => Promise<void>
}

const CACHE_MAX = 2_000
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/**
 * Fetches every reference of a request at once, decides each one's kind from its bytes,
 * probes it and checks it against the model's rules, and stores it by content hash. The first
 * broken reference (in request order) fails the whole request, naming its field and rule.
 */
export function createReferenceIntake(deps: IntakeDeps) {
  const byUrl = new Map<string, Cached>()
  // Requests for one URL (or one content hash) at the same moment share one download (or write).
  const fetching = new Map<string, Promise<Cached>>()
  const writing = new Map<string, Promise<unknown>>()

  function remember(url: string, c: Cached): void {
    byUrl.delete(url)
    byUrl.set(url, c)
    // Oldest first: a Map iterates in insertion order.
    for (const k of byUrl.keys()) {
      if (byUrl.size <= CACHE_MAX) break
      byUrl.delete(k)
    }
  }

  async function stillStored(key: string): Promise<boolean> {
    const head = await deps.storage.open(key, { start: 0, end: 0 }).catch(() => null)
    head?.stream.destroy()
    return head !== null
  }

  async function readOwn(key: string): Promise<Buffer> {
    const got = await readStored(deps.storage, key, deps.maxBytes)
    if (got === null) throw new ReferenceProblem('invalid', 'could not be fetched: the uploaded file no longer exists')
    if (got === 'too_large') throw new ReferenceProblem('invalid', `must be at most ${Math.round(deps.maxBytes / 1024 / 1024)} MB`)
    return got
  }

  /** Bytes and facts of one URL: from the short-lived cache, or downloaded, probed and stored. */
  async function obtain(accountId: string, item: ReferenceItem, stored: string[]): Promise<Cached> {
    const hit = byUrl.get(item.url)
    if (hit && hit.expiresAt > deps.clock.now() && (await stillStored(hit.key))) return hit
    let pending = fetching.get(item.url)
    if (!pending) {
      pending = download(accountId, item).finally(() => fetching.delete(item.url))
      fetching.set(item.url, pending)
    }
    const got = await pending
    stored.push(got.key)
    return got
  }

  async function download(accountId: string, item: ReferenceItem): Promise<Cached> {
    const now = deps.clock.now()
    const own = deps.ownKey?.(item.url) ?? null
    const bytes = own ? await readOwn(own) : await deps.fetcher.fetch(accountId, item.url)
    const media = await deps.inspect(bytes, item.want)
    const hash = sha256(bytes)
    const key = `inputs/${hash}.${media.ext}`
    // Same bytes, same key: a second job with this content shares the object.
    let write = writing.get(key)
    if (!write) {
      write = deps.storage.put(key, { bytes }, media.mime).finally(() => writing.delete(key))
      writing.set(key, write)
    }
    await write
    const entry = { key, sha256: hash, bytes: bytes.length, media, expiresAt: now + deps.cacheTtlMs }
    if (!own) remember(item.url, entry)
    return entry
  }

  function check(model: CatalogModel, item: ReferenceItem, got: Cached): void {
    const { media } = got
    if (item.want !== 'any' && media.kind !== item.want) throw new ReferenceProblem('invalid', `must be ${KIND_NAMES[item.want]} (its content is ${media.mime})`)
    const broken = brokenReferenceRule(referenceRules(model), media.kind, media)
    if (broken) throw new ReferenceProblem('invalid', broken)
  }

  async function take(accountId: string, model: CatalogModel, items: ReferenceItem[], name: (field: string) => string): Promise<TakenReference[]> {
    if (items.length === 0) return []
    const stored: string[] = []
    const settled = await Promise.allSettled(
      items.map(async (item) => {
        const got = await obtain(accountId, item, stored)
        check(model, item, got)
        return { item, key: got.key, sha256: got.sha256, bytes: got.bytes, media: got.media }
      }),
    )
    const failed = settled.findIndex((s) => s.status === 'rejected')
    if (failed < 0) return settled.map((s) => (s as PromiseFulfilledResult<TakenReference>).value)
    await deps.discard(stored)
    const reason = (settled[failed] as PromiseRejectedResult).reason
    if (!(reason instanceof ReferenceProblem)) throw reason
    const field = name(items[failed]!.field)
    if (reason.kind === 'unavailable') throw new AppError('reference_unavailable', `\`${field}\` ${reason.rule}`, { field })
    throw invalid(field, reason.rule)
  }

  return { take, forget: (key: string) => byUrl.forEach((c, url) => c.key === key && byUrl.delete(url)) }
}

export type ReferenceIntake = ReturnType<typeof createReferenceIntake>
