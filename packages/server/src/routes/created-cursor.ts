import { validationError } from "@openwop/core";
import type { CreatedCursor } from "@openwop/storage";

/**
 * Cursors of the newest-first listings (keys, webhooks, deliveries): the creation time and
 * id of a page's last record, base64url-encoded so clients treat them as opaque.
 */
export function encodeCreatedCursor(cursor: CreatedCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString("base64url");
}

/** The position a `cursor` query value names; absent → undefined; one this host did not issue → 400. */
export function decodeCreatedCursor(raw: string | undefined): CreatedCursor | undefined {
  if (raw === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 2 &&
    typeof decoded[0] === "string" &&
    !Number.isNaN(Date.parse(decoded[0])) &&
    typeof decoded[1] === "string"
  ) {
    return { createdAt: decoded[0], id: decoded[1] };
  }
  throw validationError("cursor is not one this host issued", { field: "cursor" });
}
