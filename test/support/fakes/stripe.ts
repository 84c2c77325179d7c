import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

type Json = Record<string, unknown>

/** `a[b][0][c]=1` form fields (what the stripe package sends) → nested objects and arrays. */
function parseForm(body: string): Json {
  const out: Json = {}
  for (const pair of body.split('&').filter(Boolean)) {
    const [k, v = ''] = pair.split('=').map((s) => decodeURIComponent(s.replace(/\+/g, ' '))) as [string, string?]
    const path = k.replace(/\]/g, '').split('[')
    let node: Record<string, unknown> = out
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = v
      else {
        const next = path[i + 1]!
        node[seg] ??= /^\d+$/.test(next) ? [] : {}
        node = node[seg] as Record<string, unknown>
      }
    })
  }
  return out
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * A local stand-in for the Stripe API on 127.0.0.1, speaking the endpoints Reelay uses
 * (customers, checkout sessions, subscriptions) in Stripe's wire format: form-encoded requests,
 * JSON objects, Bearer secret-key auth, Stripe's error body. Tests drive the payment side
 * (completing a session, paying an invoice, refunding) through its methods.
 */
export async function startFakeStripe(secretKey: string) {
  let n = 0
  const id = (prefix: string) => `${prefix}_test_${String(++n).padStart(6, '0')}`
  const customers = new Map<string, Json>()
  const sessions = new Map<string, Json>()
  const subscriptions = new Map<string, Json>()
  const requests: { method: string; path: string; body: Json }[] = []
  const nowSec = () => Math.floor(Date.now() / 1000)

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = parseForm(await read(req))
      const path = (req.url ?? '').split('?')[0]!
      requests.push({ method: req.method ?? '', path, body })
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${n}` })
        res.end(JSON.stringify(json))
      }
      if (req.headers.authorization !== `Bearer ${secretKey}`) return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } })
      if (req.method === 'POST' && path === '/v1/customers') {
        const c = { id: id('cus'), object: 'customer', name: body.name ?? null, metadata: body.metadata ?? {} }
        customers.set(c.id, c)
        return send(200, c)
      }
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const lines = (body.line_items as Json[] | undefined) ?? []
        const total = lines.reduce((s, l) => s + Number((l.price_data as Json).unit_amount) * Number(l.quantity ?? 1), 0)
        const mode = String(body.mode)
        const subId = mode === 'subscription' ? id('sub') : null
        const s: Json = {
          id: id('cs'),
          object: 'checkout.session',
          mode,
          url: `https://checkout.stripe.test/c/pay/${n}`,
          customer: body.customer ?? null,
          client_reference_id: body.client_reference_id ?? null,
          metadata: body.metadata ?? {},
          amount_total: total,
          currency: (lines[0]?.price_data as Json | undefined)?.currency ?? 'usd',
          payment_intent: mode === 'payment' ? id('pi') : null,
          subscription: subId,
          payment_status: 'unpaid',
          status: 'open',
          success_url: body.success_url,
          cancel_url: body.cancel_url,
        }
        if (subId) {
          const end = nowSec() + 30 * 86_400
          subscriptions.set(subId, {
            id: subId,
            object: 'subscription',
            status: 'incomplete',
            customer: s.customer,
            metadata: (body.subscription_data as Json | undefined)?.metadata ?? {},
            items: { object: 'list', data: [{ current_period_end: end }] },
          })
        }
        sessions.set(String(s.id), s)
        return send(200, s)
      }
      const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path)
      if (req.method === 'GET' && sub) {
        const s = subscriptions.get(sub[1]!)
        return s ? send(200, s) : send(404, { error: { type: 'invalid_request_error', message: `No such subscription: '${sub[1]}'` } })
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } })
    })()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  function session(sid: string): Json {
    const s = sessions.get(sid)
    if (!s) throw new Error(`no session ${sid}`)
    return s
  }

  return {
    url,
    requests,
    sessions,
    subscriptions,
    /** The customer paid: the session as Stripe sends it in `checkout.session.completed`. */
    complete(sid: string): Json {
      const s = session(sid)
      Object.assign(s, { payment_status: 'paid', status: 'complete' })
      if (s.subscription) Object.assign(subscriptions.get(String(s.subscription))!, { status: 'active' })
      return { ...s }
    },
    /** A paid invoice of the subscription, as in `invoice.paid` (the newer API's `parent` form). */
    invoice(subId: string): Json {
      return { id: id('in'), object: 'invoice', status: 'paid', amount_paid: 4900, parent: { type: 'subscription_details', subscription_details: { subscription: subId, metadata: {} } } }
    },
    /** Ends the subscription, as `customer.subscription.deleted` carries it. */
    cancel(subId: string): Json {
      const s = subscriptions.get(subId)!
      Object.assign(s, { status: 'canceled' })
      return { ...s }
    },
    /** The session's charge after refunding `amount` (cumulative), as in `charge.refunded`. */
    refund(sid: string, amount: number): Json {
      const s = session(sid)
      return { id: `ch_for_${String(s.payment_intent)}`, object: 'charge', payment_intent: s.payment_intent, amount: s.amount_total, amount_refunded: amount, refunded: amount === s.amount_total }
    },
    dispute(sid: string, amount: number): Json {
      const s = session(sid)
      return { id: id('dp'), object: 'dispute', payment_intent: s.payment_intent, charge: `ch_for_${String(s.payment_intent)}`, amount, status: 'needs_response' }
    },
    event(type: string, object: Json, created = nowSec()): Json {
      return { id: id('evt'), object: 'event', api_version: '2025-01-01', created, type, livemode: false, pending_webhooks: 1, data: { object } }
    },
    async close(): Promise<void> {
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>
