/**
 * Escaping shared by the JUnit and HTML reports. A result document carries text the suite
 * did not write — a host's error bodies quoted in failure messages, its implementation name —
 * so every string is treated as hostile: markup characters become references, and characters
 * XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become a visible `\uXXXX`
 * rather than making the file unreadable to a CI parser.
 */

/** Whether a code point lies outside XML 1.0's Char production (tab, LF and CR are allowed). */
function forbiddenInXml(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0d;
  return (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff;
}

const REFERENCES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Replaces characters no XML parser accepts with their `\uXXXX` spelling. */
export function visibleControls(text: string): string {
  let out = "";
  // Iterating a string walks code points: a valid surrogate pair arrives whole, a lone one alone.
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += forbiddenInXml(code) ? `\\u${code.toString(16).toUpperCase().padStart(4, "0")}` : char;
  }
  return out;
}

/** Text safe as element content or inside a quoted attribute, in XML and in HTML. */
export function escapeText(text: string): string {
  return visibleControls(text).replace(/[&<>"']/g, (char) => REFERENCES[char] ?? char);
}

/**
 * An attribute value: as `escapeText`, plus line breaks and tabs as character references,
 * since attribute-value normalisation would otherwise turn them into spaces.
 */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/[\n\r\t]/g, (char) => `&#${char.charCodeAt(0)};`);
}
