/**
 * A storage figure for the gauges, read at most every `maxAgeMs` however often `/metrics`
 * is scraped; a failed read keeps the last figures (as the queue sampler does), since
 * metrics must never add load to a struggling store and readiness reports it anyway.
 */
export class CachedSample<T> {
  #value: T;
  #readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: (now: number) => Promise<T>,
    initial: T,
    private readonly maxAgeMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    this.#value = initial;
  }

  async sample(): Promise<T> {
    const now = this.now();
    if (now - this.#readAt < this.maxAgeMs) return this.#value;
    this.#readAt = now;
    try {
      this.#value = await this.read(now);
    } catch {
      // Keep the last figures.
    }
    return this.#value;
  }
}
