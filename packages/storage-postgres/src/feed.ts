import type { FeedEntry } from "@openwop/storage";
import type { Database } from "./database.js";
import { EVENT_COLUMNS, eventFromRow, type EventRow } from "./rows.js";
import { feedPosition, parseFeedPosition } from "./webhook-rows.js";

/**
 * The tenant event feed (storage-adapters.md §15). Events are ordered by (feed_xid, feed_id),
 * and a read serves only events whose feed_xid is below the xmin of the statement's own
 * snapshot (`pg_current_snapshot()` is the snapshot the statement reads with): every
 * transaction below xmin has ended, and an event's feed_xid is never below the id of the
 * transaction that wrote it, so no event can commit later in front of a position a reader was
 * given. An event of a transaction still open, or behind one still open, is served by a later
 * read instead (see migrations/0004_webhooks.sql).
 *
 * `held` says whether the tenant has committed events the horizon holds back, so that the
 * adapter can wake feed watchers again once the older transaction has ended: that
 * transaction's own commit may notify nobody (a claim, a key write, another application's).
 */
const READ_FEED_SQL = `
WITH horizon AS (
  SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin
),
page AS (
  SELECT ${EVENT_COLUMNS}, feed_xid, feed_id FROM events
  WHERE tenant_id = $1::text
    AND (feed_xid, feed_id) > ($2::xid8, $3::bigint)
    AND feed_xid < (SELECT xmin FROM horizon)
    AND ($4::text[] IS NULL OR type = ANY ($4::text[]))
  ORDER BY feed_xid, feed_id
  LIMIT $5
)
SELECT page.*, page.feed_xid::text AS feed_xid_text, held.held
FROM (
  -- The tenant's last event by feed order: one step of events_feed, backwards.
  SELECT coalesce((
    SELECT feed_xid FROM events WHERE tenant_id = $1::text ORDER BY feed_xid DESC, feed_id DESC LIMIT 1
  ) >= (SELECT xmin FROM horizon), false) AS held
) AS held
LEFT JOIN page ON true
ORDER BY page.feed_xid, page.feed_id`;

interface FeedRow extends EventRow {
  feed_xid_text: string | null;
  feed_id: string | null;
  held: boolean;
}

export interface FeedPage {
  entries: FeedEntry[];
  /** Committed events of the tenant wait behind a transaction still open. */
  held: boolean;
}

export async function readFeed(
  database: Database,
  tenantId: string,
  options: { after?: string; types?: readonly string[]; limit: number },
): Promise<FeedPage> {
  const after = options.after === undefined ? { feedXid: "0", feedId: "0" } : parseFeedPosition(options.after);
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return { entries: [], held: false };
  const result = await database.idempotent<FeedRow>("reading the event feed", {
    name: "openwop_read_feed",
    text: READ_FEED_SQL,
    values: [tenantId, after.feedXid, after.feedId, options.types === undefined ? null : [...options.types], limit],
  });
  const entries: FeedEntry[] = [];
  for (const row of result.rows) {
    if (row.feed_xid_text === null || row.feed_id === null) continue;
    entries.push({ position: feedPosition(row.feed_xid_text, row.feed_id), event: eventFromRow(row) });
  }
  return { entries, held: result.rows[0]?.held === true };
}
