/**
 * Takes a channel out after `threshold` consecutive failures and lets one probe through after
 * `cooldownMs`; a success closes it again. Per process: each worker learns on its own.
 */
export class CircuitBreaker {
  #failures = 0
  #openedAt: number | null = null
  #probing = false

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  state(now: number): 'closed' | 'open' | 'half-open' {
    if (this.#openedAt === null) return 'closed'
    return now - this.#openedAt >= this.cooldownMs ? 'half-open' : 'open'
  }

  /** Whether a call may go through now; in half-open state only one probe at a time. */
  allow(now: number): boolean {
    const s = this.state(now)
    if (s === 'closed') return true
    if (s === 'open' || this.#probing) return false
    this.#probing = true
    return true
  }

  success(): void {
    this.#failures = 0
    this.#openedAt = null
    this.#probing = false
  }

  failure(now: number, hard = false): void {
    this.#probing = false
    this.#failures++
    if (hard || this.#failures >= this.threshold || this.#openedAt !== null) this.#openedAt = now
  }
}
