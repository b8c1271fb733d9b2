import { encodeOpaqueCursor, openOpaqueCursor, validationError } from "@openwop/core";
import type { CreatedCursor } from "@openwop/storage";

/**
 * Cursors of the newest-first listings (keys, webhooks, deliveries): the creation time and
 * id of a page's last record, as an opaque cursor.
 */
export function encodeCreatedCursor(cursor: CreatedCursor): string {
  return encodeOpaqueCursor([cursor.createdAt, cursor.id]);
}

/** The position a `cursor` query value names; absent → undefined; one this host did not issue → 400. */
export function decodeCreatedCursor(raw: string | undefined): CreatedCursor | undefined {
  if (raw === undefined) return undefined;
  const decoded = openOpaqueCursor(raw);
  if (
    decoded !== undefined &&
    decoded.length === 2 &&
    typeof decoded[0] === "string" &&
    !Number.isNaN(Date.parse(decoded[0])) &&
    typeof decoded[1] === "string"
  ) {
    return { createdAt: decoded[0], id: decoded[1] };
  }
  throw validationError("cursor is not one this host issued", { field: "cursor" });
}
