import type { ProviderLogger } from '../providers/provider.js'

export interface ClaimLoopOptions<T> {
  name: string
  /** Claims at most `free` due items (with leases); returns what it claimed. */
  claim(free: number): Promise<T[]>
  /** Works on one claimed item; errors are logged, never thrown out of the loop. */
  run(item: T): Promise<void>
  /** Runs before each claim (e.g. the deadline sweep). */
  beforeClaim?(): Promise<void>
  concurrency: number
  idleMs: number
  log: ProviderLogger
}

/**
 * The loop shared by the job worker and the webhook dispatcher: claim what fits in the free
 * slots, run each item concurrently, and sleep until woken or `idleMs` passes when idle.
 */
export function createClaimLoop<T>(opts: ClaimLoopOptions<T>) {
  const running = new Set<Promise<void>>()
  const minBatch = Math.max(1, Math.floor(opts.concurrency / 4))
  let stopped = true
  let loopDone: Promise<void> = Promise.resolve()
  let wakeUp: (() => void) | null = null

  function wake(): void {
    const w = wakeUp
    wakeUp = null
    w?.()
  }

  async function tick(): Promise<number> {
    await opts.beforeClaim?.()
    const free = opts.concurrency - running.size
    // Claim in batches: one claim per freed slot would cost a claim query per item.
    if (free <= 0 || (running.size > 0 && free < minBatch)) return 0
    const items = await opts.claim(free)
    for (const item of items) {
      const p: Promise<void> = opts
        .run(item)
        .catch((err: unknown) => opts.log.error({ err: String(err) }, `${opts.name}: item failed to run`))
        .finally(() => {
          running.delete(p)
          wake()
        })
      running.add(p)
    }
    return items.length
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let claimed = 0
      try {
        claimed = await tick()
      } catch (err) {
        opts.log.error({ err: String(err) }, `${opts.name}: tick failed`)
      }
      if (stopped) break
      if (claimed === 0 || running.size >= opts.concurrency) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, opts.idleMs)
          wakeUp = () => {
            clearTimeout(t)
            resolve()
          }
        })
      }
    }
  }

  return {
    tick,
    wake,
    /**
     * Runs until nothing is due and nothing is running (tests drive time with a manual clock);
     * returns how many items it ran.
     */
    async drain(maxRounds = 10_000): Promise<number> {
      let ran = 0
      for (let i = 0; i < maxRounds; i++) {
        const n = await tick()
        ran += n
        if (running.size > 0) await Promise.race(running)
        else if (n === 0) return ran
      }
      throw new Error(`${opts.name} did not settle`)
    },
    start(): void {
      if (!stopped) return
      stopped = false
      loopDone = loop()
    },
    /** Stops claiming and waits up to `graceMs` for running items. */
    async stop(graceMs: number): Promise<void> {
      stopped = true
      wake()
      await loopDone
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, graceMs).unref())])
    },
    get running(): number {
      return running.size
    },
  }
}
