import { ProtocolError, validationError } from "../errors.js";
import { encodeOpaqueCursor, openOpaqueCursor } from "../opaque-cursor.js";

/**
 * The tenant event feed's cursors (webhooks.md §15): the adapter's position of an event
 * and the event's time, as an opaque cursor. The time lets a host tell a cursor past the
 * retention window (410) without asking storage.
 */
export function encodeFeedCursor(position: string, timestamp: string): string {
  return encodeOpaqueCursor([position, Date.parse(timestamp)]);
}

/** The position a cursor names; 400 for a cursor this host did not issue, 410 for one past retention. */
export function decodeFeedCursor(cursor: string, oldestKeptMs: number): string {
  const decoded = openOpaqueCursor(cursor);
  if (
    decoded === undefined ||
    decoded.length !== 2 ||
    typeof decoded[0] !== "string" ||
    typeof decoded[1] !== "number" ||
    !Number.isFinite(decoded[1])
  ) {
    throw validationError("the cursor is not one this host issued", { field: "after" });
  }
  if (decoded[1] < oldestKeptMs) {
    throw new ProtocolError("cursor_expired", "the cursor is older than the retention window", {
      oldestKept: new Date(oldestKeptMs).toISOString(),
    });
  }
  return decoded[0];
}
