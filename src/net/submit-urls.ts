import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { readFileLink } from '../storage/file-links.js'
import { bareHost, checkUrlSyntax, type UrlPolicy } from './url-policy.js'

/** A reference is fetched by the worker; a webhook is POSTed to with a signature. */
export type UrlUse = 'reference' | 'webhook'

/** `fileKey` is set for a signed link to a stored file: the caller still checks the account may read it. */
export type SubmitUrlVerdict = { ok: true; fileKey?: string } | { ok: false; reason: string }

export interface SubmitUrlRules {
  policy: UrlPolicy
  /** This server's public base URL (`REELAY_PUBLIC_URL`). */
  publicUrl: string
  fileUrlSecret: string
  nowSec: () => number
}

const defaultPort = (u: URL) => (u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80')

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  return isIP(host) !== 0 && ipaddr.process(host).range() === 'loopback'
}

/**
 * True when a URL reaches this server itself. Same host name and port as the public URL; with
 * a loopback public URL, any loopback name on that port too, since they reach the same socket.
 */
function pointsAtSelf(url: URL, base: URL): boolean {
  if (defaultPort(url) !== defaultPort(base)) return false
  const host = bareHost(url).replace(/\.$/, '').toLowerCase()
  const self = bareHost(base).replace(/\.$/, '').toLowerCase()
  return host === self || (isLoopbackHost(self) && isLoopbackHost(host))
}

/** True when `raw` parses to a URL on this server (see `pointsAtSelf`). */
export function reachesThisServer(raw: string, publicUrl: string): boolean {
  try {
    return pointsAtSelf(new URL(raw), new URL(publicUrl))
  } catch {
    return false
  }
}

/**
 * The submit-time rule for a customer URL. It is parsed first, so `..`, `%2e%2e` and `\` are
 * resolved before anything is decided. A URL that reaches this server is refused (its
 * internal routes must never receive our signed requests), except, as a reference, a valid
 * signed link to one of its stored files. Everything else meets the normal policy.
 */
export function checkSubmitUrl(raw: string, use: UrlUse, rules: SubmitUrlRules): SubmitUrlVerdict {
  let url: URL | null = null
  try {
    url = new URL(raw)
  } catch {
    // The policy below words the rejection.
  }
  if (url && pointsAtSelf(url, new URL(rules.publicUrl))) {
    if (use === 'webhook') return { ok: false, reason: 'must not point to this server' }
    const link = readFileLink(url, new URL(rules.publicUrl), rules.fileUrlSecret, rules.nowSec())
    return link.ok ? { ok: true, fileKey: link.key } : link
  }
  const r = checkUrlSyntax(raw, rules.policy)
  return r.ok ? { ok: true } : { ok: false, reason: r.reason }
}
