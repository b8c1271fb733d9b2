// generated — do not edit; run pnpm generate
// Source: schemas/event-feed-page.schema.json (packages/types/scripts/generate.mjs).

import type { RunEvent } from "./run-event.js";

/**
 * The 200 of GET /v1/events (webhooks.md §15): the tenant's events across runs after a cursor.
 */
export interface EventFeedPage {
  /**
   * @maxItems 1000
   */
  events: FeedEntry[];
  /**
   * The last entry's cursor, or the cursor sent when the page is empty; null before the first event of a tenant that has none.
   */
  nextCursor: string | null;
  [k: string]: unknown;
}
export interface FeedEntry {
  cursor: string;
  event: RunEvent;
}
