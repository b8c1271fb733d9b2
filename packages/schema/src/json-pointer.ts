/**
 * Appends one reference token to a JSON Pointer, escaping `~` and `/` as RFC 6901
 * requires, so property names such as `a/b` stay one segment.
 *
 * @example
 * appendPointer("/limits", "max/min"); // "/limits/max~1min"
 */
export function appendPointer(pointer: string, token: string): string {
  return `${pointer}/${token.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}
