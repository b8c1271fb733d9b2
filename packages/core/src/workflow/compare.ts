import type { JsonValue } from "@openwop/storage";
import { canonicalJson } from "../json.js";
import { matchesPattern } from "./expression.js";

/** The comparisons conditional nodes understand (core.md §9.9). */
export const COMPARISONS = ["equals", "notEquals", "contains", "truthy", "falsy"] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** The comparisons an edge condition may use besides `expression` (core.md §8.2). */
export const EDGE_COMPARISONS = [...COMPARISONS, "regex"] as const;
export type EdgeComparison = (typeof EDGE_COMPARISONS)[number];

/** Every edge condition type (core.md §8.2). */
export const EDGE_CONDITION_TYPES = [...EDGE_COMPARISONS, "expression"] as const;

export function isComparison(value: unknown): value is Comparison {
  return typeof value === "string" && (COMPARISONS as readonly string[]).includes(value);
}

export function isEdgeComparison(value: unknown): value is EdgeComparison {
  return typeof value === "string" && (EDGE_COMPARISONS as readonly string[]).includes(value);
}

/** Structural JSON equality: member order does not matter, an absent operand is `null`. */
export const sameJson = (a: JsonValue | undefined, b: JsonValue | undefined): boolean =>
  canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** Falsy are absent, `null`, `false`, `0` and `""`; every other value (`[]` and `{}` too) is truthy. */
export const isTruthy = (value: JsonValue | undefined): boolean =>
  !(value === undefined || value === null || value === false || value === 0 || value === "");

/**
 * Compares JSON values as core.md §8.2 defines: `contains` is substring or array membership,
 * `regex` an RE2 search of a string `left` for the pattern `right`.
 */
export function compareValues(
  operator: EdgeComparison,
  left: JsonValue | undefined,
  right: JsonValue | undefined,
): boolean {
  switch (operator) {
    case "equals":
      return sameJson(left, right);
    case "notEquals":
      return !sameJson(left, right);
    case "contains":
      if (typeof left === "string" && typeof right === "string") return left.includes(right);
      return Array.isArray(left) && left.some((item) => sameJson(item, right));
    case "regex":
      return typeof left === "string" && typeof right === "string" && matchesPattern(left, right);
    case "truthy":
      return isTruthy(left);
    case "falsy":
      return !isTruthy(left);
  }
}
