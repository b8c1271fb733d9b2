import type { TenantKeyStats } from "@openwop/storage";

/** How far ahead "expiring soon" looks. */
const EXPIRING_WITHIN_MS = 7 * 86_400_000;

/**
 * Per-tenant key figures for the key gauges, read from storage at most every `maxAgeMs`; a
 * failed read keeps the last figures (as the queue sampler does).
 */
export class KeyStatsSampler {
  #stats: TenantKeyStats[] = [];
  #readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: (now: string, expiringBefore: string) => Promise<TenantKeyStats[]>,
    private readonly maxAgeMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async sample(): Promise<TenantKeyStats[]> {
    const now = this.now();
    if (now - this.#readAt < this.maxAgeMs) return this.#stats;
    this.#readAt = now;
    try {
      this.#stats = await this.read(new Date(now).toISOString(), new Date(now + EXPIRING_WITHIN_MS).toISOString());
    } catch {
      // Keep the last figures; readiness reports an unreachable store.
    }
    return this.#stats;
  }
}
