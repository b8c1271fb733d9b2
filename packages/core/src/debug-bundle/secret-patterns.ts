/**
 * What the debug bundle treats as a credential regardless of any workflow declaration:
 * keys whose values are secrets whatever they hold, and credential shapes recognisable
 * inside any string. A host may replace either list (see `RedactionPolicy`); these are the
 * defaults, chosen to over-mask rather than leak.
 */

/**
 * Keys are compared after lower-casing and dropping `_`, `-`, `.` and spaces, so `api_key`,
 * `apiKey` and `API-KEY` are the same key and one pattern covers every spelling.
 */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]/g, "");
}

/** Patterns over normalized keys; a match masks the whole value under the key. */
export const DEFAULT_SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /passw(?:or)?d/,
  /passphrase/,
  /secret/,
  // `accessToken`, `refresh_token`, `token` — but not `tokens` or `tokenCount`, which are usage counts.
  /token$/,
  /apikey/,
  /accesskey/,
  /privatekey/,
  /signingkey/,
  /authorization/,
  /credential/,
  /cookie/,
  /sessionid/,
  /connectionstring/,
  /^dsn$/,
  // Stack traces reveal file paths and internals, which a bundle must never carry (debug-bundle.md §4.2).
  /^stack(?:trace)?$/,
];

/**
 * Credential shapes found inside strings; each match is replaced, the rest of the string kept,
 * so a message like "sent Bearer abc.def to the API" stays readable.
 */
export const DEFAULT_SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  // HTTP authorization schemes with their credential; schemes are case-insensitive on the wire.
  /\b(?:bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*/gi,
  // This toolkit's API keys: `hk_…`, `hk_test_…`, `hk_live_…` (see generateKeyMaterial).
  /\bhk_[A-Za-z0-9_-]{6,}/g,
  // Model-provider and platform keys whose prefixes are public: `sk-…`, GitHub `gh?_…`, Slack `xox?-…`, AWS key ids.
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  // JSON Web Tokens: header and claims both start with base64url "{".
  /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  // PEM private keys, header to footer.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // The password of `scheme://user:password@host`; the user and host stay for diagnosis.
  /(?<=\/\/[^\s/:@]+:)[^\s/@]+(?=@)/g,
];
