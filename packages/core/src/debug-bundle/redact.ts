import type { JsonObject, JsonValue } from "@openwop/storage";
import { canonicalJson } from "../json.js";
import { REDACTED } from "../run/redaction.js";
import { DEFAULT_SECRET_KEY_PATTERNS, DEFAULT_SECRET_VALUE_PATTERNS, normalizeKey } from "./secret-patterns.js";

/** What a host configures: which keys and string shapes count as secrets. */
export interface RedactionPolicy {
  /** Patterns over normalized keys (see `normalizeKey`); replaces the defaults when given. */
  secretKeyPatterns?: readonly RegExp[];
  /** Patterns replaced inside every string; replaces the defaults when given. */
  secretValuePatterns?: readonly RegExp[];
}

/** What one run adds to the policy: the names and values its workflow declared sensitive. */
export interface RunSecrets {
  /** Keys masked wherever they appear, compared exactly (variable names are case-sensitive). */
  sensitiveKeys: ReadonlySet<string>;
  /** Values masked wherever they appear; strings are also cut out of longer strings. */
  sensitiveValues: readonly JsonValue[];
}

/**
 * Shorter sensitive strings are masked only where they are a whole value: cutting "ab" out of
 * every string would garble the bundle without protecting anything a reader could not guess.
 */
const MIN_SUBSTRING_LENGTH = 4;
/** How deep the redaction walk goes before masking a value whole (see `value`). */
const MAX_REDACTION_DEPTH = 256;

/** Copies a pattern with only the flags we need, so a caller's `g` or `y` cannot leave state behind. */
function withFlags(pattern: RegExp, global: boolean): RegExp {
  const flags = pattern.flags.replace(/[gy]/g, "");
  return new RegExp(pattern.source, global ? `${flags}g` : flags);
}

/**
 * Masks secrets in any JSON value: whole values under secret-looking or sensitive keys,
 * sensitive values wherever they occur, and credential shapes inside strings. Input is
 * never modified; the result shares no mutable structure with it.
 */
export class Redactor {
  readonly #keyPatterns: readonly RegExp[];
  readonly #valuePatterns: readonly RegExp[];
  readonly #sensitiveKeys: ReadonlySet<string>;
  readonly #wholeStrings: ReadonlySet<string>;
  readonly #substrings: readonly string[];
  /** Object and array values compared by canonical JSON; numbers and booleans are masked by key only, as matching them anywhere would mask every count. */
  readonly #structured: ReadonlySet<string>;

  constructor(policy: RedactionPolicy = {}, secrets: RunSecrets = { sensitiveKeys: new Set(), sensitiveValues: [] }) {
    this.#keyPatterns = (policy.secretKeyPatterns ?? DEFAULT_SECRET_KEY_PATTERNS).map((p) => withFlags(p, false));
    this.#valuePatterns = (policy.secretValuePatterns ?? DEFAULT_SECRET_VALUE_PATTERNS).map((p) => withFlags(p, true));
    this.#sensitiveKeys = secrets.sensitiveKeys;
    const strings = secrets.sensitiveValues.filter(
      (v): v is string => typeof v === "string" && v !== "" && v !== REDACTED,
    );
    this.#wholeStrings = new Set(strings);
    // Longest first, so a value that contains another is removed whole before its part is.
    this.#substrings = [...new Set(strings.filter((s) => s.length >= MIN_SUBSTRING_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
    this.#structured = new Set(
      secrets.sensitiveValues.filter((v) => v !== null && typeof v === "object").map((v) => canonicalJson(v)),
    );
  }

  /** True when a value under `key` is a secret whatever it holds. */
  isSecretKey(key: string): boolean {
    if (this.#sensitiveKeys.has(key)) return true;
    const normalized = normalizeKey(key);
    return this.#keyPatterns.some((pattern) => pattern.test(normalized));
  }

  /**
   * The value with its secrets masked. Below {@link MAX_REDACTION_DEPTH} levels a value is
   * masked whole: request bodies are bounded far shallower, so only stored data from before
   * that bound could be this deep, and masking it keeps the walk's stack bounded.
   */
  value(value: JsonValue, depth = 0): JsonValue {
    if (typeof value === "string") return this.string(value);
    if (value === null || typeof value !== "object") return value;
    if (depth >= MAX_REDACTION_DEPTH) return REDACTED;
    if (this.#structured.size > 0 && this.#structured.has(canonicalJson(value))) return REDACTED;
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1));
    return this.object(value, depth);
  }

  object(value: JsonObject, depth = 0): JsonObject {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const name = this.string(key);
      const masked = this.isSecretKey(key) ? REDACTED : this.value(item, depth + 1);
      // Parsed JSON may carry an own `__proto__` member; plain assignment would set the prototype and drop it.
      if (name === "__proto__")
        Object.defineProperty(out, name, { value: masked, enumerable: true, writable: true, configurable: true });
      else out[name] = masked;
    }
    return out;
  }

  string(text: string): string {
    if (this.#wholeStrings.has(text)) return REDACTED;
    let out = text;
    for (const secret of this.#substrings) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const pattern of this.#valuePatterns) out = out.replace(pattern, REDACTED);
    return out;
  }
}
