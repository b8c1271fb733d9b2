import fc from "fast-check";

/**
 * Hostile text: the characters that break parsers, databases and loggers, mixed into
 * ordinary text. One place, so bodies, headers, queries and paths draw from the same pool.
 */

/** A lone UTF-16 surrogate: JSON can spell it (`"\ud800"`), UTF-8 and Postgres cannot hold it. */
export const loneSurrogate: fc.Arbitrary<string> = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((unit) => String.fromCharCode(unit));

/** Characters that storage, JSON or a log line treat specially. */
export const poisonChar: fc.Arbitrary<string> = fc.oneof(
  fc.constant("\u0000"),
  loneSurrogate,
  fc.integer({ min: 0x01, max: 0x1f }).map((code) => String.fromCharCode(code)),
  fc.constantFrom(
    "\u007f",
    "\u0085",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\u202e",
    "\\",
    '"',
    "%",
    "\u{1f600}",
  ),
);

/** Strings that mean something somewhere: empty, numbers, prototype keys, traversal, injection. */
export const meaningfulString: fc.Arbitrary<string> = fc.constantFrom(
  "",
  " ",
  "null",
  "undefined",
  "true",
  "0",
  "-1",
  "1e309",
  "NaN",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "../../../../etc/passwd",
  "..",
  ".",
  "%00",
  "%ff",
  "\\u0000",
  "'; DROP TABLE runs; --",
  // A log4j-style lookup, spelled in two parts so it is not mistaken for a template literal.
  "$" + "{jndi:ldap://x}",
  "<script>alert(1)</script>",
  "\r\nX-Injected: 1",
);

/** A string with poison characters mixed into ordinary ones. */
export const poisonedString: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 2, arbitrary: poisonChar }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(""));

/** A long string made by repetition, so generating it costs nothing (up to ~`max` characters). */
export function repeatedString(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(fc.constantFrom("x", "é", "\u{1f600}", "a\u0000"), fc.string({ minLength: 1, maxLength: 4 })),
      fc.integer({ min, max }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / Math.max(1, unit.length))).slice(0, length));
}

/** Any junk string: arbitrary code points (lone surrogates included), poison, meaningful values, long ones. */
export const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 16 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 3, arbitrary: poisonedString },
  { weight: 3, arbitrary: meaningfulString },
  { weight: 1, arbitrary: repeatedString(256, 5_000) },
);

/** True when a string holds U+0000 or a lone surrogate: what the host must refuse in a body (core.md §2.2). */
export function isUnstorable(text: string): boolean {
  return text.includes("\u0000") || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** True when a string holds a C0 control character or DEL. */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Percent-encodes every byte outside the unreserved set, lone surrogates included (as the
 * three bytes a WTF-8 encoder would write, which are not UTF-8): `encodeURIComponent`
 * throws on those, and a fuzzer wants to send them.
 */
export function percentEncode(text: string): string {
  let out = "";
  for (const char of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(char)) {
      out += char;
      continue;
    }
    const code = char.codePointAt(0) ?? 0;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char, "utf8")];
    out += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  }
  return out;
}

/** Shortens a value for a failure message. */
export function clip(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/**
 * Timestamps as a client might spell them: ordinary ISO instants, and the edges that databases
 * parse differently from JavaScript (expanded years, year 0, offsets, impossible dates).
 */
export const junkTimestamp: fc.Arbitrary<string> = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.integer({ min: 10_000, max: 275_000 }).map((year) => `+${String(year).padStart(6, "0")}-01-01T00:00:00.000Z`),
  fc.constantFrom(
    "+010000-01-01T00:00:00.000Z",
    "+275760-09-13T00:00:00.000Z",
    "-000001-01-01T00:00:00.000Z",
    "-271821-04-20T00:00:00.000Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:00+25:00",
    "2026-01-01T00:00:00.123456789Z",
    "2026-01-01",
    "1970-01-01T00:00:00Z",
    "infinity",
    "-infinity",
    "epoch",
    "now",
    "allballs",
    "0",
    "1e20",
  ),
);
