import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * Which customer-supplied URLs may be fetched. By default only https on port 443 to public
 * addresses. `allowPrivate` (dev/test, `REELAY_ALLOW_PRIVATE_URLS=1`) also allows http,
 * loopback/private targets and any port.
 */
export type UrlPolicy = {
  allowPrivate: boolean
  /** Also allow plain http (and port 80). (Default: false) */
  allowHttp?: boolean
  /** Overrides the allowed ports. (Default: [443], plus 80 with `allowHttp`; any port with `allowPrivate`) */
  allowedPorts?: number[]
}

export type UrlRejectCode =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_not_allowed'
  | 'port_not_allowed'
  | 'address_not_allowed'

export type UrlCheck = { ok: true; url: URL } | { ok: false; code: UrlRejectCode; reason: string }

const MAX_URL_LENGTH = 2048

// Special-use names that never resolve to something public (RFC 6761, RFC 8375, ICANN .internal).
const BLOCKED_SUFFIXES = ['localhost', 'localdomain', 'internal', 'local', 'home.arpa']

const IPV4_DENY = ['169.254.169.254/32', '192.0.0.192/32', '100.64.0.0/10', '0.0.0.0/8'].map((c) => ipaddr.IPv4.parseCIDR(c))
const IPV6_DENY = ['fd00:ec2::254/128', '2002::/16', '64:ff9b::/96', '64:ff9b:1::/48', '2001::/32'].map((c) =>
  ipaddr.IPv6.parseCIDR(c),
)
// Everything outside 2000::/3 is unassigned or special; this also catches IPv4-compatible `::a.b.c.d`,
// which ipaddr.js reports as plain unicast.
const IPV6_GLOBAL = ipaddr.IPv6.parseCIDR('2000::/3')

/**
 * True when `ip` must not be connected to: anything that is not plain public unicast, cloud
 * metadata endpoints, and IPv6 ranges that embed an IPv4 address (6to4, NAT64, teredo). Input
 * that does not parse as an address is blocked.
 */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip
  if (!ipaddr.isValid(bare)) return true
  // process() unwraps ::ffff:a.b.c.d so the IPv4 rules apply to it.
  const addr = ipaddr.process(bare)
  if (addr.range() !== 'unicast') return true
  if (addr.kind() === 'ipv4') return IPV4_DENY.some((cidr) => (addr as ipaddr.IPv4).match(cidr))
  const v6 = addr as ipaddr.IPv6
  return !v6.match(IPV6_GLOBAL) || IPV6_DENY.some((cidr) => v6.match(cidr))
}

/** True for names like `localhost`, `db.internal`, `printer.local` (trailing dot ignored). */
export function isBlockedHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return BLOCKED_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`))
}

/** The host of a parsed URL without IPv6 brackets. */
export function bareHost(url: URL): string {
  const h = url.hostname
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h
}

/**
 * Checks a customer URL without touching the network, so it can run at submit time. WHATWG
 * `URL` has already normalised odd IPv4 spellings (`127.1`, `0x7f.0.0.1`, `2130706433`) and
 * IPv6 forms, so IP literals are classified in canonical form. Names that resolve to private
 * addresses are caught when connecting (see `safeFetch`).
 */
export function checkUrlSyntax(raw: string, policy: UrlPolicy): UrlCheck {
  if (raw.length > MAX_URL_LENGTH) return reject('invalid_url', `must be at most ${MAX_URL_LENGTH} characters`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return reject('invalid_url', 'must be an absolute URL')
  }
  const httpOk = policy.allowPrivate || policy.allowHttp === true
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpOk)) {
    return reject('scheme_not_allowed', httpOk ? 'must use http or https' : 'must use https')
  }
  if (url.username !== '' || url.password !== '') {
    return reject('credentials_not_allowed', 'must not contain a user name or password')
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  const ports = policy.allowedPorts ?? (policy.allowPrivate ? null : httpOk ? [443, 80] : [443])
  if (ports && !ports.includes(port)) return reject('port_not_allowed', `must not use port ${port}`)
  if (policy.allowPrivate) return { ok: true, url }
  const host = bareHost(url)
  if (host === '' || isBlockedHostname(host) || (isIP(host) !== 0 && isBlockedAddress(host))) {
    return reject('address_not_allowed', 'must not point to a private or loopback address')
  }
  return { ok: true, url }
}

function reject(code: UrlRejectCode, reason: string): UrlCheck {
  return { ok: false, code, reason }
}
