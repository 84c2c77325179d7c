import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../support/harness.js'
import { startMediaServer, type MediaServer } from '../support/media-server.js'
import { TARGETS, type Fixtures, type Kind, type Target } from './references/targets.js'

let h: Harness
let media: MediaServer
let ok: Fixtures

beforeAll(async () => {
  media = await startMediaServer()
  // The fixture server is on loopback: allowed here the way the webhook tests allow theirs.
  h = await createHarness({ env: { REELAY_ALLOW_PRIVATE_URLS: '1', REELAY_REFERENCE_TIMEOUT_MS: '300', REELAY_SYNC_WAIT_MS: '0' } })
  ok = { image: media.url('red-640x480.png'), video: media.url('clip-3s.mp4'), audio: media.url('tone-3s.mp3') }
})
afterAll(async () => {
  await h?.close()
  await media?.close()
})

interface Case {
  rule: string
  url: () => string
  /** The kinds of field the case applies to, and for images whose rules (Seedance or image models). */
  kinds: Kind[]
  models?: ('video' | 'image')[]
  code: 'invalid_request' | 'reference_unavailable'
  message: RegExp
}

const CASES: Case[] = [
  { rule: 'a .png that holds text', url: () => media.url('text.png'), kinds: ['image', 'video', 'audio'], code: 'invalid_request', message: /must be (an image|a video|an audio file|an image, video or audio file) \(its content is not a known media format\)/ },
  { rule: 'a PNG cut off after its header', url: () => media.url('cut.png'), kinds: ['image'], code: 'invalid_request', message: /damaged or truncated/ },
  { rule: 'an MP4 cut off after its header', url: () => media.url('cut.mp4'), kinds: ['video'], code: 'invalid_request', message: /damaged or truncated/ },
  { rule: 'an image under 400 px on its short side', url: () => media.url('small-120x100.png'), kinds: ['image'], models: ['video'], code: 'invalid_request', message: /at least 400 px on its short side \(got 120×100\)/ },
  { rule: 'an image under 64 px for an image model', url: () => media.url('small-120x100.png', 'tiny.png'), kinds: ['image'], models: ['image'], code: 'invalid_request', message: /.^/ },
  { rule: 'a GIF, which the upstreams do not take', url: () => media.url('pic-500x500.gif'), kinds: ['image'], code: 'invalid_request', message: /must be JPEG, PNG or WebP \(got image\/gif\)/ },
  { rule: 'audio where an image belongs', url: () => media.url('tone-3s.mp3', 'looks-like.png'), kinds: ['image'], code: 'invalid_request', message: /must be an image \(its content is audio\/mpeg\)/ },
  { rule: 'an image where a video belongs', url: () => media.url('red-640x480.png', 'really.mp4'), kinds: ['video'], code: 'invalid_request', message: /must be a video \(its content is image\/png\)/ },
  { rule: 'a video over 15 s', url: () => media.url('clip-20s.mp4'), kinds: ['video'], code: 'invalid_request', message: /at most 15 s long \(got 20 s\)/ },
  { rule: 'audio over 15 s', url: () => media.url('tone-20s.mp3'), kinds: ['audio'], code: 'invalid_request', message: /at most 15 s long \(got 20 s\)/ },
  { rule: 'a URL that answers 404', url: () => `${media.origin}/status/404`, kinds: ['image', 'video', 'audio'], code: 'invalid_request', message: /could not be fetched: its server answered HTTP 404/ },
  { rule: 'a URL whose server fails (503)', url: () => `${media.origin}/status/503`, kinds: ['image', 'video', 'audio'], code: 'reference_unavailable', message: /could not be fetched: its server answered HTTP 503/ },
  { rule: 'a URL that never answers', url: () => `${media.origin}/hang`, kinds: ['image', 'video', 'audio'], code: 'reference_unavailable', message: /no complete answer within 0\.3 s/ },
]

// 001 media_urls takes any kind: a file of the wrong kind is simply another kind of reference there.
const wrongKindCase = (c: Case, t: Target) => t.field.startsWith('media_urls') && /where an? \w+ belongs/.test(c.rule)
const applies = (c: Case, t: Target) => c.kinds.includes(t.kind) && (!c.models || c.models.includes(t.model)) && !wrongKindCase(c, t) && c.message.source !== '.^'

async function balance(auth: Record<string, string>) {
  return (await h.app.inject({ method: 'GET', url: '/v1/usage', headers: auth })).json()
}

async function jobCount(accountId: string) {
  const r = await h.rt.store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('accountId', '=', accountId).executeTakeFirstOrThrow()
  return Number(r.n)
}

describe.each(TARGETS)('$name', (target) => {
  const cases = CASES.filter((c) => applies(c, target))
  it.each(cases)('refuses $rule: 400 naming the field and rule, nothing held or recorded', async (c) => {
    const cust = await h.customer(5_000)
    const res = await target.send(h, cust.auth, c.url(), ok)
    const err = target.error(res)
    expect(err, JSON.stringify(res.body)).toMatchObject({ status: 400, code: c.code, field: target.field })
    expect(err.message).toContain(`\`${target.field}\``)
    expect(err.message).toMatch(c.message)
    expect(await balance(cust.auth)).toMatchObject({ balance: 5_000, reserved: 0 })
    expect(await jobCount(cust.account.id)).toBe(0)
  })

  it('accepts a valid reference served from a URL with no file extension (a CDN asset id)', async () => {
    const cust = await h.customer(5_000)
    const name = target.kind === 'image' ? 'red-640x480.png' : target.kind === 'video' ? 'clip-3s.mp4' : 'tone-3s.mp3'
    const res = await target.send(h, cust.auth, media.url(name, `cdn/assets/${target.kind}-${target.name.replace(/\W+/g, '-')}`), ok)
    // The OpenAI edit endpoint waits for the image; with no wait configured it answers 504 and the job goes on.
    expect([200, 202, 504], JSON.stringify(res.body)).toContain(res.status)
    expect(await jobCount(cust.account.id)).toBe(1)
  })
})
