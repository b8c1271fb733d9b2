import type { JsonValue } from "@openwop/storage";

/** The comparisons conditional nodes and edge conditions understand. */
export const COMPARISONS = ["equals", "notEquals", "contains", "truthy", "falsy"] as const;
export type Comparison = (typeof COMPARISONS)[number];

export function isComparison(value: unknown): value is Comparison {
  return typeof value === "string" && (COMPARISONS as readonly string[]).includes(value);
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Compares JSON values structurally; `contains` means substring or array membership. */
export function compareValues(
  operator: Comparison,
  left: JsonValue | undefined,
  right: JsonValue | undefined,
): boolean {
  switch (operator) {
    case "equals":
      return same(left, right);
    case "notEquals":
      return !same(left, right);
    case "contains":
      if (typeof left === "string" && typeof right === "string") return left.includes(right);
      return Array.isArray(left) && left.some((item) => same(item, right));
    case "truthy":
      return Boolean(left);
    case "falsy":
      return !left;
  }
}
