/** A lone surrogate: text JSON can spell (`"\ud800"`) but UTF-8, Postgres and most receivers cannot hold. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored as text on every storage, or undefined when it can.
 * Postgres refuses U+0000 and lone surrogates in `text` and `jsonb` while SQLite keeps them;
 * refusing them at the edge keeps every host's answer the same (400, not a storage error).
 */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains U+0000 (NUL)";
  if (LONE_SURROGATE.test(text)) return "contains a lone UTF-16 surrogate";
  return undefined;
}

/** C0 and C1 controls and DEL: no id or query value of the protocol contains one. */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** Longer than any id a host issues or a workflow may declare (ids are at most 128 characters). */
export const MAX_ID_LENGTH = 256;

/**
 * Why text cannot be an id or a parameter value on any storage — a control character, or
 * text {@link unstorableTextReason} refuses — or undefined when it can be looked up.
 */
export function unsafeIdTextReason(text: string): string | undefined {
  return hasControlCharacter(text) ? "contains a control character" : unstorableTextReason(text);
}
