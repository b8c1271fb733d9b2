import type { RunEvent } from "./records.js";

/**
 * For adapters: the events this adapter committed last, per run, kept only while the run
 * has event watchers, so the read every watcher makes right after being told of a commit
 * is answered without a query. Shared by the SQLite and Postgres adapters.
 *
 * What it answers is exact: the log is append-only and gapless, and an entry only ever
 * holds a contiguous stretch that this adapter itself committed (a stretch that does not
 * continue the entry replaces it, which is what another connection or process writing the
 * same log would cause). A read starting inside the stretch gets the events from there to the end
 * of the stretch, a prefix of the log; readers are told of later commits and read again
 * from where they stopped, past the stretch, from the database. Every read gets its own
 * objects, parsed from text, exactly as a read from the database would.
 */
export class RecentEvents {
  readonly #byRun = new Map<string, { first: number; texts: string[] }>();
  /** The tenant of runs whose tenant a tenant-scoped database read confirmed. */
  readonly #tenants = new Map<string, string>();
  readonly #maxPerRun: number;

  constructor(maxPerRun = 256) {
    this.#maxPerRun = maxPerRun;
  }

  /** Events just committed by this adapter, in sequence order. */
  record(runId: string, events: readonly RunEvent[]): void {
    const first = events[0]?.sequence;
    if (first === undefined) return;
    const texts = events.map((event) => JSON.stringify(event));
    const entry = this.#byRun.get(runId);
    const next =
      entry !== undefined && entry.first + entry.texts.length === first
        ? { first: entry.first, texts: entry.texts.concat(texts) }
        : { first, texts };
    const excess = next.texts.length - this.#maxPerRun;
    if (excess > 0) {
      next.texts = next.texts.slice(excess);
      next.first += excess;
    }
    this.#byRun.set(runId, next);
  }

  /** A tenant-scoped database read found the run in `tenantId`. Call it only while the run has watchers. */
  noteTenant(runId: string, tenantId: string): void {
    this.#tenants.set(runId, tenantId);
  }

  /**
   * The events from `fromSequence` (inclusive, at most `limit`) when the entry starts at or
   * before it and, for a read scoped to `tenantId`, the run is known to be that tenant's;
   * undefined otherwise.
   */
  read(runId: string, fromSequence: number, limit: number, tenantId?: string): RunEvent[] | undefined {
    const entry = this.#byRun.get(runId);
    if (!entry || limit <= 0) return undefined;
    if (tenantId !== undefined && this.#tenants.get(runId) !== tenantId) return undefined;
    const offset = fromSequence - entry.first;
    if (offset < 0 || offset >= entry.texts.length) return undefined;
    return entry.texts.slice(offset, offset + limit).map((text) => JSON.parse(text) as RunEvent);
  }

  forget(runId: string): void {
    this.#byRun.delete(runId);
    this.#tenants.delete(runId);
  }

  clear(): void {
    this.#byRun.clear();
    this.#tenants.clear();
  }
}
