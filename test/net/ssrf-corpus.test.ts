import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeFetch, SafeFetchError, type SafeFetchCode } from '../../src/net/safe-fetch.js'
import { checkUrlSyntax, type UrlPolicy } from '../../src/net/url-policy.js'
import { startServer, tableLookup, type TestServer } from './test-servers.js'

// Scenario 11: every URL below must be refused without a single connection reaching a canary.
let canaries: TestServer[] = []
let a = 0
let b = 0
beforeAll(async () => {
  canaries = await Promise.all([startServer(), startServer()])
  a = canaries[0]!.port
  b = canaries[1]!.port
})
afterAll(() => Promise.all(canaries.map((c) => c.close())))

const strict: UrlPolicy = { allowPrivate: false }
// Lets http and the canary ports through, so only the address rules stand between us and them.
const open = (): UrlPolicy => ({ allowPrivate: false, allowHttp: true, allowedPorts: [80, 443, a, b] })

const dns = tableLookup({
  'evil.example': '127.0.0.1',
  '127.0.0.1.nip.io': '127.0.0.1',
  'mixed.example': ['93.184.216.34', '127.0.0.1'],
  'mapped.example': '::ffff:127.0.0.1',
  'v6.example': '::1',
  'meta.example': '169.254.169.254',
})

type Case = { url: () => string; policy: () => UrlPolicy; code: SafeFetchCode; atSubmit: boolean }
const c = (url: () => string, code: SafeFetchCode, policy: () => UrlPolicy = open, atSubmit = true): Case => ({ url, policy, code, atSubmit })

const corpus: Record<string, Case> = {
  'http loopback under strict policy': c(() => `http://127.0.0.1:${a}/`, 'scheme_not_allowed', () => strict),
  'loopback canary': c(() => `http://127.0.0.1:${a}/`, 'address_not_allowed'),
  'short 127.1': c(() => `http://127.1:${a}/`, 'address_not_allowed'),
  'zero': c(() => `http://0:${a}/`, 'address_not_allowed'),
  'hex octet': c(() => `http://0x7f.0.0.1:${a}/`, 'address_not_allowed'),
  'octal octet': c(() => `http://0177.0.0.1:${b}/`, 'address_not_allowed'),
  'octal integer': c(() => `http://017700000001:${b}/`, 'address_not_allowed'),
  'decimal integer': c(() => `http://2130706433:${b}/`, 'address_not_allowed'),
  'trailing dot': c(() => `http://127.0.0.1.:${a}/`, 'address_not_allowed'),
  'ipv6 loopback': c(() => `http://[::1]:${a}/`, 'address_not_allowed'),
  'ipv4-mapped hex': c(() => `http://[::ffff:7f00:1]:${a}/`, 'address_not_allowed'),
  'ipv4-mapped dotted': c(() => `http://[::ffff:127.0.0.1]:${b}/`, 'address_not_allowed'),
  'expanded ipv6 loopback': c(() => `http://[0:0:0:0:0:0:0:1]:${b}/`, 'address_not_allowed'),
  'ipv4-compatible': c(() => `http://[::127.0.0.1]:${b}/`, 'address_not_allowed'),
  '6to4': c(() => `http://[2002:7f00:1::]:${a}/`, 'address_not_allowed'),
  'nat64': c(() => `http://[64:ff9b::7f00:1]:${a}/`, 'address_not_allowed'),
  'teredo': c(() => `http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/`, 'address_not_allowed'),
  'aws ipv6 metadata': c(() => 'http://[fd00:ec2::254]/', 'address_not_allowed'),
  'localhost https': c(() => `https://localhost:${a}/`, 'address_not_allowed'),
  'localhost strict': c(() => 'https://localhost/', 'address_not_allowed', () => strict),
  'sub.localhost': c(() => `http://api.localhost:${a}/`, 'address_not_allowed'),
  '.internal': c(() => 'https://metadata.google.internal/computeMetadata/v1/', 'address_not_allowed', () => strict),
  'rfc1918 10/8': c(() => 'https://10.0.0.1/', 'address_not_allowed', () => strict),
  'rfc1918 192.168/16': c(() => 'https://192.168.1.1/', 'address_not_allowed', () => strict),
  'rfc1918 172.16/12': c(() => 'https://172.16.0.1/', 'address_not_allowed', () => strict),
  'carrier-grade nat': c(() => 'https://100.64.0.1/', 'address_not_allowed', () => strict),
  'metadata ipv4': c(() => 'http://169.254.169.254/latest/meta-data/', 'address_not_allowed'),
  'oracle metadata': c(() => 'https://192.0.0.192/', 'address_not_allowed', () => strict),
  'ssh port': c(() => 'https://93.184.216.34:22/', 'port_not_allowed', () => strict),
  'redis port': c(() => 'https://93.184.216.34:6379/', 'port_not_allowed', () => strict),
  'loopback on a port': c(() => `https://127.0.0.1:${a}/`, 'port_not_allowed', () => strict),
  'file scheme': c(() => 'file:///etc/passwd', 'scheme_not_allowed'),
  'gopher scheme': c(() => `gopher://127.0.0.1:${a}/_SET%20x%201`, 'scheme_not_allowed'),
  'ftp scheme': c(() => `ftp://127.0.0.1:${a}/`, 'scheme_not_allowed'),
  'data scheme': c(() => 'data:text/html,<h1>x</h1>', 'scheme_not_allowed'),
  'userinfo': c(() => `http://x@127.0.0.1:${a}/`, 'credentials_not_allowed'),
  'garbage': c(() => 'http://[::1', 'invalid_url'),
  'name resolving to loopback': c(() => `http://evil.example:${a}/`, 'address_not_allowed', open, false),
  'nip.io style name': c(() => `http://127.0.0.1.nip.io:${b}/`, 'address_not_allowed', open, false),
  'one bad record among good': c(() => `http://mixed.example:${a}/`, 'address_not_allowed', open, false),
  'mapped AAAA record': c(() => `http://mapped.example:${a}/`, 'address_not_allowed', open, false),
  'ipv6 loopback AAAA': c(() => `http://v6.example:${b}/`, 'address_not_allowed', open, false),
  'metadata A record': c(() => 'https://meta.example/', 'address_not_allowed', () => strict, false),
  'unresolvable name': c(() => `http://nowhere.example:${a}/`, 'dns_failed', open, false),
}

describe('SSRF corpus (allowPrivate: false)', () => {
  it.each(Object.entries(corpus))('%s', async (_name, t) => {
    const url = t.url()
    const submit = checkUrlSyntax(url, t.policy())
    expect(submit.ok ? 'ok' : submit.code).toBe(t.atSubmit ? t.code : 'ok')
    const err = await safeFetch(url, { policy: t.policy(), timeoutMs: 2000, maxBytes: 1024, followRedirects: 3, lookup: dns.lookup }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(SafeFetchError)
    expect((err as SafeFetchError).code).toBe(t.code)
  })

  it('only hostnames were looked up', () => {
    expect(new Set(dns.calls)).toEqual(
      new Set(['evil.example', '127.0.0.1.nip.io', 'mixed.example', 'mapped.example', 'v6.example', 'meta.example', 'nowhere.example']),
    )
  })

  it('a name that resolves to loopback the first time never connects, even if it later resolves publicly', async () => {
    let n = 0
    const lookup = async () => [{ address: n++ === 0 ? '127.0.0.1' : '93.184.216.34', family: 4 }]
    await expect(safeFetch(`http://flip.example:${a}/`, { policy: open(), timeoutMs: 2000, maxBytes: 1024, followRedirects: 0, lookup })).rejects.toMatchObject({
      code: 'address_not_allowed',
    })
    expect(n).toBe(1)
  })

  it('no connection reached any canary', () => {
    expect(canaries.map((s) => s.connections())).toEqual([0, 0])
  })

  it('the canaries do count connections (control)', async () => {
    const control = await startServer()
    try {
      const res = await safeFetch(`${control.origin}/`, { policy: { allowPrivate: true }, timeoutMs: 2000, maxBytes: 1024, followRedirects: 0 })
      expect(res.body.toString()).toBe('canary')
      expect(control.connections()).toBe(1)
    } finally {
      await control.close()
    }
  })
})
