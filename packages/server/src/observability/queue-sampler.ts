import type { RunStatusCounts } from "@openwop/core";
import { isTerminalStatus } from "@openwop/types";

export interface QueueSample {
  /** Runs waiting to execute (`pending`). */
  pending: number;
  /** Runs not terminal yet, whatever they wait on. */
  backlog: number;
}

/**
 * Queue figures for the metrics, from the engine's shared run counts: a scrape or an
 * OpenTelemetry collection accepts a count up to `maxAgeMs` old (admission control may
 * have refreshed it more recently). A failed count keeps the last sample and is not
 * retried before `maxAgeMs`: metrics never add load to a struggling store.
 */
export class QueueSampler {
  #sample: QueueSample = { pending: 0, backlog: 0 };
  #failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly counts: RunStatusCounts,
    private readonly maxAgeMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async read(): Promise<QueueSample> {
    if (this.now() - this.#failedAt < this.maxAgeMs) return this.#sample;
    try {
      const { counts } = await this.counts.read(this.maxAgeMs);
      let backlog = 0;
      for (const [status, count] of Object.entries(counts)) if (!isTerminalStatus(status)) backlog += count ?? 0;
      this.#sample = { pending: counts.pending ?? 0, backlog };
    } catch {
      // Keep the last sample; readiness, not metrics, reports an unreachable store.
      this.#failedAt = this.now();
    }
    return this.#sample;
  }
}
