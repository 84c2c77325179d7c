import { describe, expect, it } from 'vitest'
import { checkUrlSyntax, isBlockedAddress, type UrlPolicy } from '../../src/net/url-policy.js'

const strict: UrlPolicy = { allowPrivate: false }
const dev: UrlPolicy = { allowPrivate: true }

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1', '127.1', '0.0.0.0', '10.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '169.254.169.254',
    '192.0.0.192', '224.0.0.1', '255.255.255.255', '240.0.0.1', '198.18.0.1',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::7f00:1', 'fe80::1', 'fc00::1', 'fd00:ec2::254',
    '2002:7f00:1::', '2002:808:808::', '64:ff9b::7f00:1', '64:ff9b::808:808', '64:ff9b:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:db8::1', 'ff02::1', '100::1',
    'not-an-ip', '', '[::1]',
  ])('blocks %s', (ip) => expect(isBlockedAddress(ip)).toBe(true))

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '::ffff:8.8.8.8', '2606:4700:4700::1111', '[2a00:1450:4001::200e]'])(
    'allows public %s',
    (ip) => expect(isBlockedAddress(ip)).toBe(false),
  )
})

describe('checkUrlSyntax', () => {
  it.each([
    ['https://example.com/a.png', strict],
    ['https://example.com:443/a.png', strict],
    ['http://example.com/a.png', { allowPrivate: false, allowHttp: true }],
    ['http://127.0.0.1:5173/a.png', dev],
    ['http://localhost:8080/', dev],
    ['https://cdn.example.com:8443/', { allowPrivate: false, allowedPorts: [8443] }],
  ] satisfies [string, UrlPolicy][])('accepts %s', (url, policy) => {
    expect(checkUrlSyntax(url, policy).ok).toBe(true)
  })

  it.each([
    ['not a url', strict, 'invalid_url'],
    [`https://example.com/${'a'.repeat(3000)}`, strict, 'invalid_url'],
    ['http://example.com/', strict, 'scheme_not_allowed'],
    ['file:///etc/passwd', dev, 'scheme_not_allowed'],
    ['gopher://127.0.0.1:6379/_INFO', dev, 'scheme_not_allowed'],
    ['ftp://example.com/', strict, 'scheme_not_allowed'],
    ['data:image/png;base64,AAAA', strict, 'scheme_not_allowed'],
    ['javascript:alert(1)', strict, 'scheme_not_allowed'],
    ['https://user:pw@example.com/', strict, 'credentials_not_allowed'],
    ['http://x@127.0.0.1/', dev, 'credentials_not_allowed'],
    ['https://example.com:22/', strict, 'port_not_allowed'],
    ['https://example.com:6379/', strict, 'port_not_allowed'],
    ['https://example.com:80/', strict, 'port_not_allowed'],
    ['https://127.1/', strict, 'address_not_allowed'],
    ['https://0/', strict, 'address_not_allowed'],
    ['https://0x7f.0.0.1/', strict, 'address_not_allowed'],
    ['https://0177.0.0.1/', strict, 'address_not_allowed'],
    ['https://017700000001/', strict, 'address_not_allowed'],
    ['https://2130706433/', strict, 'address_not_allowed'],
    ['https://127.0.0.1./', strict, 'address_not_allowed'],
    ['https://[::1]/', strict, 'address_not_allowed'],
    ['https://[::ffff:7f00:1]/', strict, 'address_not_allowed'],
    ['https://[0:0:0:0:0:0:0:1]/', strict, 'address_not_allowed'],
    ['https://[fd00:ec2::254]/', strict, 'address_not_allowed'],
    ['https://[2002:7f00:1::]/', strict, 'address_not_allowed'],
    ['https://[64:ff9b::7f00:1]/', strict, 'address_not_allowed'],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', strict, 'address_not_allowed'],
    ['https://localhost/', strict, 'address_not_allowed'],
    ['https://LocalHost./', strict, 'address_not_allowed'],
    ['https://app.localhost/', strict, 'address_not_allowed'],
    ['https://metadata.google.internal/', strict, 'address_not_allowed'],
    ['https://169.254.169.254/latest/meta-data/', strict, 'address_not_allowed'],
  ] as const)('rejects %s', (url, policy, code) => {
    const r = checkUrlSyntax(url, policy)
    expect(r.ok ? 'ok' : r.code).toBe(code)
  })

  it('gives customer-safe reasons', () => {
    expect(checkUrlSyntax('http://example.com/', strict)).toMatchObject({ reason: 'must use https' })
    expect(checkUrlSyntax('https://10.0.0.1/', strict)).toMatchObject({
      reason: 'must not point to a private or loopback address',
    })
  })
})
