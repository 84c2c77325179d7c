import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPeopleHarness, type PeopleHarness } from '../support/people.js'

let h: PeopleHarness
beforeAll(async () => {
  h = await createPeopleHarness({ env: { REELAY_SIGNUP_MODE: 'invite' } })
})
afterAll(async () => h.close())

type Client = Awaited<ReturnType<PeopleHarness['signedIn']>>

async function teamOf(owner: Client, name = 'Studio Team') {
  const res = await owner.call('POST', '/account/v1/teams', { name })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: string; name: string; kind: string; role: string }
}

/** Invites `email` to the team and signs them up with the invite. */
async function joinBySignup(owner: Client, teamId: string, email: string, role = 'member') {
  const inv = (await owner.call('POST', `/account/v1/teams/${teamId}/invites`, { email, role })).json()
  expect(inv.inviteUrl).toContain(`/invite?token=${inv.inviteToken}`)
  const res = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email, password: 'member password', inviteToken: inv.inviteToken } })
  expect(res.statusCode).toBe(201)
  return h.client(res)
}

describe('happy path', () => {
  it('an invited member signs up into the team; playground jobs on the team draw on its pool, API keys on their own balance; the owner sees usage by member', async () => {
    const owner = await h.signedIn()
    const team = await teamOf(owner)
    expect(team).toMatchObject({ name: 'Studio Team', kind: 'team', role: 'owner' })
    await h.grant(team.id, 2_000)
    const member = await joinBySignup(owner, team.id, 'member-a@example.com')
    expect(member.session.accounts.map((a) => [a.kind, a.role])).toEqual([
      ['personal', 'owner'],
      ['team', 'member'],
    ])
    const personal = member.session.accounts[0]!.id
    await h.grant(personal, 500)

    const job = (await member.call('POST', '/account/v1/jobs', { accountId: team.id, kind: 'image', request: { prompt: 'team art' } }, { 'idempotency-key': 't1' })).json()
    const key = (await member.call('POST', '/account/v1/keys', { name: 'api' })).json()
    const api = await h.app.inject({ method: 'POST', url: '/v1/images/generate', headers: { authorization: `Bearer ${key.key}`, 'idempotency-key': 'a1' }, payload: { prompt: 'my own art' } })
    expect(api.statusCode).toBe(202)
    await h.rt.worker.drain()

    const teamBal = (await member.call('GET', `/account/v1/accounts/${team.id}/balance`)).json()
    expect(teamBal.balance).toBe(2_000 - job.credits.held)
    const ownBal = (await member.call('GET', `/account/v1/accounts/${personal}/balance`)).json()
    expect(ownBal.balance).toBe(500 - api.json().chargedCredits)

    const detail = (await owner.call('GET', `/account/v1/teams/${team.id}`)).json()
    expect(detail.members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [owner.user.email, 'owner'],
      ['member-a@example.com', 'member'],
    ])
    expect(detail.usageByMember).toEqual([{ userId: member.session.user.id, credits: job.credits.held, jobs: 1 }])
    expect((await member.call('GET', `/account/v1/teams/${team.id}`)).json().usageByMember).toEqual([])
    expect((await member.call('GET', '/account/v1/teams')).json().data).toEqual([{ id: team.id, name: 'Studio Team', kind: 'team', role: 'member' }])
  })

  it('an existing user accepts an invite; roles change; members are removed', async () => {
    const owner = await h.signedIn()
    const team = await teamOf(owner, 'Second')
    const other = await h.signedIn()
    const inv = (await owner.call('POST', `/account/v1/teams/${team.id}/invites`, { email: other.user.email, role: 'admin' })).json()
    expect((await owner.call('GET', `/account/v1/teams/${team.id}`)).json().invites).toHaveLength(1)
    const joined = await other.call('POST', '/account/v1/invites/accept', { inviteToken: inv.inviteToken })
    expect(joined.json().accounts.find((a: { id: string }) => a.id === team.id).role).toBe('admin')
    await owner.call('PATCH', `/account/v1/teams/${team.id}/members/${other.user.id}`, { role: 'member' })
    expect((await other.call('GET', '/account/v1/teams')).json().data[0].role).toBe('member')
    expect((await owner.call('DELETE', `/account/v1/teams/${team.id}/members/${other.user.id}`)).statusCode).toBe(204)
    expect((await other.call('GET', '/account/v1/teams')).json().data).toEqual([])
    expect((await other.call('GET', `/account/v1/teams/${team.id}`)).statusCode).toBe(404)
  })
})

describe('errors', () => {
  it('invite-only sign-up: no token is a 400 naming inviteToken; a token for another email or used twice is refused', async () => {
    const none = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'solo@example.com', password: 'a long password' } })
    expect(none.json().error).toMatchObject({ code: 'invalid_request', field: 'inviteToken' })
    const owner = await h.signedIn()
    const team = await teamOf(owner, 'Third')
    const inv = (await owner.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'right@example.com', role: 'member' })).json()
    const wrong = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'wrong@example.com', password: 'a long password', inviteToken: inv.inviteToken } })
    expect(wrong.json().error.field).toBe('inviteToken')
    await joinBySignup(owner, team.id, 'twice@example.com')
    const used = (await owner.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'twice2@example.com', role: 'member' })).json()
    await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'twice2@example.com', password: 'a long password', inviteToken: used.inviteToken } })
    const again = await h.app.inject({ method: 'POST', url: '/account/v1/signup', payload: { email: 'twice2@example.com', password: 'a long password', inviteToken: used.inviteToken } })
    expect(again.statusCode).toBe(400)
  })

  it('the last owner cannot leave or be demoted', async () => {
    const owner = await h.signedIn()
    const team = await teamOf(owner, 'Fourth')
    expect((await owner.call('DELETE', `/account/v1/teams/${team.id}/members/${owner.user.id}`)).statusCode).toBe(400)
    expect((await owner.call('PATCH', `/account/v1/teams/${team.id}/members/${owner.user.id}`, { role: 'member' })).json().error.field).toBe('role')
  })
})

describe('security', () => {
  it('a member cannot invite, change roles or remove others; an outsider sees nothing', async () => {
    const owner = await h.signedIn()
    const team = await teamOf(owner, 'Fifth')
    const member = await joinBySignup(owner, team.id, 'plain-member@example.com')
    expect((await member.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'x@example.com', role: 'member' })).json().error.code).toBe('forbidden')
    expect((await member.call('PATCH', `/account/v1/teams/${team.id}/members/${owner.user.id}`, { role: 'member' })).json().error.code).toBe('forbidden')
    expect((await member.call('DELETE', `/account/v1/teams/${team.id}/members/${owner.user.id}`)).json().error.code).toBe('forbidden')
    const outsider = await h.signedIn()
    expect((await outsider.call('GET', `/account/v1/teams/${team.id}`)).statusCode).toBe(404)
    expect((await outsider.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'x@example.com', role: 'member' })).statusCode).toBe(404)
    // A personal account is not a team.
    expect((await outsider.call('GET', `/account/v1/teams/${outsider.session.accounts[0]!.id}`)).statusCode).toBe(404)
  })

  it('an admin cannot invite an owner', async () => {
    const owner = await h.signedIn()
    const team = await teamOf(owner, 'Sixth')
    const admin = await joinBySignup(owner, team.id, 'team-admin@example.com', 'admin')
    expect((await admin.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'boss@example.com', role: 'owner' })).json().error.code).toBe('forbidden')
    expect((await admin.call('POST', `/account/v1/teams/${team.id}/invites`, { email: 'helper@example.com', role: 'member' })).statusCode).toBe(201)
  })
})
