/** A counting semaphore: at most `limit` holders; the rest wait in arrival order. */
export class Gate {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await fn()
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot overtake it.
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }

  get busy(): boolean {
    return this.active > 0 || this.waiting.length > 0
  }
}

/** One gate per key (an account), dropped when idle so the map does not grow without end. */
export class KeyedGates {
  private readonly gates = new Map<string, Gate>()

  constructor(private readonly limit: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let gate = this.gates.get(key)
    if (!gate) this.gates.set(key, (gate = new Gate(this.limit)))
    try {
      return await gate.run(fn)
    } finally {
      if (!gate.busy) this.gates.delete(key)
    }
  }
}
