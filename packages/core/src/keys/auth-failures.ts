import type { AuthFailureCount, KeyStore } from "@openwop/storage";
import type { AuthFailureReason } from "@openwop/types";

/** One refused request, as the server saw it. */
export interface AuthFailure {
  reason: AuthFailureReason;
  /** The routed operation, e.g. `GET /v1/runs/{runId}`. */
  route: string;
  keyPrefix: string | null;
  /** The tenant of the key that was found; null when none was (the failure is then nobody's to read). */
  tenantId: string | null;
  correlationId: string;
}

/** One group per tenant, reason, key prefix and route. */
const groupOf = (entry: Pick<AuthFailureCount, "tenantId" | "reason" | "keyPrefix" | "route">): string =>
  JSON.stringify([entry.tenantId, entry.reason, entry.keyPrefix, entry.route]);

/** How often aggregated failures are written. */
const FLUSH_MS = 5_000;
/** Distinct groups held between writes; a flood beyond it is still counted in metrics, not stored. */
const GROUP_LIMIT = 10_000;

/**
 * Aggregates the failures that belong to a tenant and writes them every few seconds, so a
 * flood of bad requests costs one write per group per interval, not one per request.
 */
export class AuthFailureLog {
  readonly #groups = new Map<string, AuthFailureCount>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: KeyStore,
    private readonly now: () => number,
    private readonly onError?: (error: unknown, context: string) => void,
  ) {}

  note(failure: AuthFailure): void {
    if (failure.tenantId === null) return;
    const at = new Date(this.now()).toISOString();
    const group = groupOf({ ...failure, tenantId: failure.tenantId });
    const known = this.#groups.get(group);
    if (known) {
      known.count += 1;
      known.lastSeen = at;
      return;
    }
    if (this.#groups.size >= GROUP_LIMIT) return;
    this.#groups.set(group, {
      tenantId: failure.tenantId,
      reason: failure.reason,
      keyPrefix: failure.keyPrefix,
      route: failure.route,
      count: 1,
      firstSeen: at,
      lastSeen: at,
    });
  }

  /** Writes what was noted since the last write; a failed write is retried with the next one. */
  async flush(): Promise<void> {
    if (this.#groups.size === 0) return;
    const batch = [...this.#groups.values()];
    this.#groups.clear();
    try {
      await this.store.recordAuthFailures(batch);
    } catch (error) {
      for (const entry of batch) {
        const group = groupOf(entry);
        const newer = this.#groups.get(group);
        if (!newer) this.#groups.set(group, entry);
        else this.#groups.set(group, { ...newer, count: newer.count + entry.count, firstSeen: entry.firstSeen });
      }
      throw error;
    }
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.flush().catch((error: unknown) => this.onError?.(error, "recording authentication failures"));
    }, FLUSH_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush().catch((error: unknown) => this.onError?.(error, "recording authentication failures"));
  }
}
