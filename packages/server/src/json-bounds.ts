import { unstorableTextReason, validationError } from "@openwop/core";
import type { JsonValue } from "@openwop/storage";

/** A JSON Pointer segment (RFC 6901), so the offending member can be named in `details.pointer`. */
const pointerSegment = (key: string | number): string => `/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;

/**
 * Checks a parsed request body before anything recursive touches it: nesting at most
 * `maxDepth` deep (the engine, storage and redaction walk values recursively, and a
 * 5 000-deep array would overflow their stacks), and every string and member name storable
 * as text. The walk is iterative, so the check itself cannot overflow. A violation is a 400
 * `validation_error` naming where it is.
 */
export function checkJsonBounds(value: JsonValue, maxDepth: number): void {
  // Depth 1 is the body itself; a scalar body has depth 1, `{"a": []}` depth 2.
  const pending: Array<{ value: JsonValue; depth: number; pointer: string }> = [{ value, depth: 1, pointer: "" }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: item, depth, pointer } = next;
    if (typeof item === "string") {
      refuseUnstorable(item, pointer);
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    if (depth > maxDepth) {
      throw validationError(`request body nests deeper than ${maxDepth} levels`, {
        field: "body",
        reason: "too_deep",
        maxDepth,
        pointer,
      });
    }
    if (Array.isArray(item)) {
      item.forEach((element, index) => {
        pending.push({ value: element, depth: depth + 1, pointer: pointer + pointerSegment(index) });
      });
      continue;
    }
    for (const [key, member] of Object.entries(item)) {
      const memberPointer = pointer + pointerSegment(key);
      refuseUnstorable(key, memberPointer, "member name");
      if (member !== undefined) pending.push({ value: member, depth: depth + 1, pointer: memberPointer });
    }
  }
}

function refuseUnstorable(text: string, pointer: string, what = "string"): void {
  const reason = unstorableTextReason(text);
  if (reason === undefined) return;
  throw validationError(`a ${what} in the request body ${reason}`, {
    field: "body",
    reason: "invalid_text",
    pointer: pointer === "" ? "/" : pointer,
  });
}
