import { safeFetch, SafeFetchError, type LookupFn } from '../../net/safe-fetch.js'
import { Gate, KeyedGates } from './gate.js'
import type { UrlPolicy } from '../../net/url-policy.js'

export interface ReferenceFetchOptions {
  policy: UrlPolicy
  timeoutMs: number
  maxBytes: number
  /** Fetches in flight at once in this process, and per account. */
  concurrency: number
  perAccount: number
  lookup?: LookupFn
}

/** Why a reference could not be used: `unavailable` is the source's fault or a timeout. */
export class ReferenceProblem extends Error {
  constructor(
    readonly kind: 'invalid' | 'unavailable',
    readonly rule: string,
  ) {
    super(rule)
  }
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`

/** Downloads customer references through the SSRF guard, bounded in time, size and concurrency. */
export function createReferenceFetcher(opts: ReferenceFetchOptions) {
  const overall = new Gate(opts.concurrency)
  const accounts = new KeyedGates(opts.perAccount)

  async function once(url: string): Promise<Buffer> {
    let res
    try {
      // No Content-Type check: the kind is decided from the bytes, and CDNs often say octet-stream.
      res = await safeFetch(url, { policy: opts.policy, timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes, followRedirects: 3, ...(opts.lookup ? { lookup: opts.lookup } : {}) })
    } catch (err) {
      if (!(err instanceof SafeFetchError)) throw err
      switch (err.code) {
        case 'timeout':
          return unavailable(`could not be fetched: no complete answer within ${opts.timeoutMs / 1000} s`)
        case 'connect_failed':
          return unavailable('could not be fetched: the server could not be reached')
        case 'dns_failed':
          return unavailable('could not be fetched: its host name does not resolve')
        case 'too_large':
          throw new ReferenceProblem('invalid', `must be at most ${mb(opts.maxBytes)}`)
        // The URL itself is refused: the error's own message names the rule.
        case 'address_not_allowed':
        case 'bad_content_type':
        case 'credentials_not_allowed':
        case 'invalid_url':
        case 'port_not_allowed':
        case 'scheme_not_allowed':
        case 'too_many_redirects':
          throw new ReferenceProblem('invalid', `could not be fetched: ${err.message.replace(/^The URL /, '').replace(/\.$/, '')}`)
      }
    }
    if (res.status >= 500) return unavailable(`could not be fetched: its server answered HTTP ${res.status}`)
    if (res.status < 200 || res.status > 299) throw new ReferenceProblem('invalid', `could not be fetched: its server answered HTTP ${res.status}`)
    if (res.body.length === 0) throw new ReferenceProblem('invalid', 'is an empty file')
    return res.body
  }

  function unavailable(rule: string): never {
    throw new ReferenceProblem('unavailable', rule)
  }

  return {
    fetch(accountId: string, url: string): Promise<Buffer> {
      // The account's gate first: one account's burst waits on itself, not in everyone's queue.
      return accounts.run(accountId, () => overall.run(() => once(url)))
    },
  }
}

export type ReferenceFetcher = ReturnType<typeof createReferenceFetcher>
