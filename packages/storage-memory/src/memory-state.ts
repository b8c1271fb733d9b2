import type {
  FeedEntry,
  IdempotencyRecord,
  RunEvent,
  RunTombstone,
  SuspensionRecord,
  RunRecord,
} from "@openwop/storage";
import { copy } from "./copy.js";

/** One run as the memory adapter holds it: the record, its log and its suspensions. */
export interface StoredRun {
  record: RunRecord;
  /** Epoch of the latest acquisition. Kept after a release, so the next acquisition gets a higher one. */
  claimEpoch: number;
  events: RunEvent[];
  /** The feed position of each event of `events`, index for index. */
  positions: number[];
  suspensions: Map<string, SuspensionRecord>;
}

/** An event's place in its tenant's feed. */
interface FeedSlot {
  position: number;
  runId: string;
  sequence: number;
}

const POSITION = /^(0|[1-9][0-9]{0,15})$/;

/**
 * Parses a feed position of this adapter: the decimal of a counter. Anything else is a
 * position the adapter cannot have issued.
 */
export function parsePosition(position: string): number {
  const value = POSITION.test(position) ? Number(position) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${JSON.stringify(position)} is not a feed position of this store`);
  return value;
}

/** Everything the memory adapter stores. Values are never shared with callers (see `copy.ts`). */
export class MemoryState {
  readonly runs = new Map<string, StoredRun>();
  /** Which run owns each suspension id, because suspension ids are unique across runs. */
  readonly suspensionOwners = new Map<string, string>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly tombstones = new Map<string, RunTombstone>();
  /**
   * Each tenant's feed, in position order. Positions come from one counter, taken as events
   * are appended; nothing here ever runs concurrently with an append, so the order of
   * positions is the order of commits and a reader can never be overtaken (storage-adapters.md §15).
   */
  readonly #feeds = new Map<string, FeedSlot[]>();
  #lastPosition = 0;

  /** The run, when it exists and, if `tenantId` is given, belongs to that tenant: another tenant's run is missing. */
  runOf(runId: string, tenantId: string | undefined): StoredRun | undefined {
    const stored = this.runs.get(runId);
    return stored && (tenantId === undefined || stored.record.tenantId === tenantId) ? stored : undefined;
  }

  /** Gives events just appended to `stored` their feed positions; resolves to those positions. */
  placeInFeed(stored: StoredRun, appended: readonly RunEvent[]): number[] {
    if (appended.length === 0) return [];
    let feed = this.#feeds.get(stored.record.tenantId);
    if (!feed) {
      feed = [];
      this.#feeds.set(stored.record.tenantId, feed);
    }
    const positions = appended.map((event) => {
      this.#lastPosition += 1;
      feed.push({ position: this.#lastPosition, runId: event.runId, sequence: event.sequence });
      return this.#lastPosition;
    });
    stored.positions.push(...positions);
    return positions;
  }

  readFeed(tenantId: string, after: number, types: ReadonlySet<string> | null, limit: number): FeedEntry[] {
    const feed = this.#feeds.get(tenantId) ?? [];
    const entries: FeedEntry[] = [];
    for (let index = firstAfter(feed, after); index < feed.length && entries.length < limit; index++) {
      const slot = feed[index] as FeedSlot;
      const event = this.runs.get(slot.runId)?.events[slot.sequence];
      if (!event || (types !== null && !types.has(event.type))) continue;
      entries.push({ position: String(slot.position), event: copy(event) });
    }
    return entries;
  }

  deleteRun(runId: string): StoredRun | undefined {
    const stored = this.runs.get(runId);
    if (!stored) return undefined;
    for (const suspensionId of stored.suspensions.keys()) this.suspensionOwners.delete(suspensionId);
    this.runs.delete(runId);
    const feed = this.#feeds.get(stored.record.tenantId);
    if (feed && stored.events.length > 0) {
      const kept = feed.filter((slot) => slot.runId !== runId);
      if (kept.length > 0) this.#feeds.set(stored.record.tenantId, kept);
      else this.#feeds.delete(stored.record.tenantId);
    }
    return stored;
  }
}

/** The index of the first slot whose position is greater than `after` (the feed is sorted by position). */
function firstAfter(feed: readonly FeedSlot[], after: number): number {
  let low = 0;
  let high = feed.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((feed[middle] as FeedSlot).position <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
