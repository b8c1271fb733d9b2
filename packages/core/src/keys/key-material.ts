import { randomBytes } from "node:crypto";
import type { ApiKeyKind } from "@openwop/types";
import { sha256Hex } from "../json.js";

/** Characters of the random part shown in a key's prefix (36 bits: recognisable, not guessable). */
const PREFIX_RANDOM_CHARS = 6;

const KIND_MARKERS: Readonly<Record<ApiKeyKind, string>> = { live: "hk_live_", test: "hk_test_" };

/** A key as issued: the secret (shown once), and what is stored of it. */
export interface KeyMaterial {
  key: string;
  keyHash: string;
  prefix: string;
}

/** Keys are high-entropy random strings, so one SHA-256 is a sound storage digest. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/**
 * The visible start of a key: its kind marker and the first random characters, for logs
 * and listings. A key of another shape (an operator's own `OPENWOP_API_KEY`) shows at most a
 * quarter of itself, four characters at most, and `?` when it is too short to show any.
 */
export function prefixOf(key: string): string {
  for (const marker of Object.values(KIND_MARKERS)) {
    if (key.startsWith(marker)) return key.slice(0, marker.length + PREFIX_RANDOM_CHARS);
  }
  const shown = Math.min(4, Math.floor(key.length / 4));
  return shown === 0 ? "?" : key.slice(0, shown);
}

/** A new secret of 192 random bits: `hk_live_…` or `hk_test_…`. */
export function generateKeyMaterial(kind: ApiKeyKind): KeyMaterial {
  const key = `${KIND_MARKERS[kind]}${randomBytes(24).toString("base64url")}`;
  return { key, keyHash: hashApiKey(key), prefix: prefixOf(key) };
}

/** An opaque key id: not derived from the secret, so it reveals nothing about it. */
export function newKeyId(): string {
  return `key_${randomBytes(12).toString("base64url")}`;
}
