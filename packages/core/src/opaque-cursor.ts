import { unstorableTextReason } from "./text.js";

/**
 * Opaque cursors: a short tuple of values as JSON, base64url-encoded, so clients pass them back
 * without reading into them. Each kind of cursor (the event feed's, the newest-first listings')
 * says what its tuple holds and checks it on the way back in.
 */
export function encodeOpaqueCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** The tuple a cursor carries, or undefined when it is not one {@link encodeOpaqueCursor} wrote. */
export function openOpaqueCursor(cursor: string): unknown[] | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(decoded)) return undefined;
    // A forged cursor could carry text no storage can compare against; no cursor of ours does.
    return decoded.some((value) => typeof value === "string" && unstorableTextReason(value) !== undefined)
      ? undefined
      : decoded;
  } catch {
    return undefined;
  }
}
