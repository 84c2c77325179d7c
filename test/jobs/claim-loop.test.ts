import { describe, expect, it } from 'vitest'
import { createClaimLoop } from '../../src/jobs/claim-loop.js'

/** A queue of due items and items whose run the test finishes by hand. */
function queue(due: number[]) {
  const claims: number[] = []
  const finish = new Map<number, (err?: Error) => void>()
  const errors: string[] = []
  const loop = (concurrency: number) =>
    createClaimLoop<number>({
      name: 'test',
      concurrency,
      idleMs: 60_000,
      claim: async (free) => {
        claims.push(free)
        return due.splice(0, free)
      },
      run: (item) => new Promise<void>((resolve, reject) => finish.set(item, (err) => (err ? reject(err) : resolve()))),
      log: { error: (_o, msg) => void errors.push(msg ?? ''), warn: () => undefined, info: () => undefined },
    })
  return { claims, finish, errors, loop }
}

describe('claim loop', () => {
  it('claims only what fits in the free slots and runs the claimed items at once', async () => {
    const q = queue([1, 2, 3, 4, 5, 6])
    const l = q.loop(4)
    expect(await l.tick()).toBe(4)
    expect(q.claims).toEqual([4])
    expect(l.running).toBe(4)
    expect([...q.finish.keys()]).toEqual([1, 2, 3, 4])
  })

  it('waits for a batch of free slots (a quarter) before claiming again, so a claim is not spent per item', async () => {
    const q = queue(Array.from({ length: 20 }, (_, i) => i))
    const l = q.loop(8)
    await l.tick()
    q.finish.get(0)!()
    await Promise.resolve()
    await new Promise((r) => setImmediate(r))
    expect(await l.tick()).toBe(0)
    expect(q.claims).toEqual([8])
    q.finish.get(1)!()
    await new Promise((r) => setImmediate(r))
    expect(await l.tick()).toBe(2)
    expect(q.claims).toEqual([8, 2])
  })

  it('logs an item that fails and keeps its slot free for the next one', async () => {
    const q = queue([1, 2])
    const l = q.loop(1)
    await l.tick()
    q.finish.get(1)!(new Error('boom'))
    await new Promise((r) => setImmediate(r))
    expect(q.errors).toEqual(['test: item failed to run'])
    expect(l.running).toBe(0)
    expect(await l.tick()).toBe(1)
  })

  it('drain runs everything due, waiting for running items, and reports how many it ran', async () => {
    const due = [1, 2, 3]
    const l = createClaimLoop<number>({
      name: 'drain',
      concurrency: 2,
      idleMs: 60_000,
      claim: async (free) => due.splice(0, free),
      run: async () => undefined,
      log: { error: () => undefined, warn: () => undefined, info: () => undefined },
    })
    expect(await l.drain()).toBe(3)
    expect(await l.drain()).toBe(0)
  })

  it('stop() stops claiming and waits for the running items', async () => {
    const q = queue([1, 2, 3])
    const l = q.loop(2)
    l.start()
    while (q.finish.size < 2) await new Promise((r) => setImmediate(r))
    let stopped = false
    const stopping = l.stop(60_000).then(() => (stopped = true))
    await new Promise((r) => setImmediate(r))
    expect(stopped).toBe(false)
    q.finish.get(1)!()
    q.finish.get(2)!()
    await stopping
    expect(q.claims).toEqual([2])
    expect(q.finish.has(3)).toBe(false)
  })
})
