import type { Reelay, RequestOptions } from '../client.js'
import type { Usage } from '../types.js'

export class UsageResource {
  constructor(private readonly client: Reelay) {}

  /** Balance, reserved and available credits, plan, limits and this period's usage. */
  get(opts: RequestOptions = {}): Promise<Usage> {
    return this.client.request<Usage>('GET', '/v1/usage', opts)
  }
}
