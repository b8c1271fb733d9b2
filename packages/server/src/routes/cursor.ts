import { validationError } from "@openwop/core";

/** Parses a non-negative integer query value or header; absent → undefined; junk → 400 naming it. */
export function parseSequence(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw validationError(`${field} must be a non-negative integer`, { field });
  }
  return Number(raw.trim());
}

/** Parses an integer within bounds (`max` may be infinite); absent → the default. */
export function parseBoundedInteger(
  raw: string | undefined,
  field: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    if (max === Number.POSITIVE_INFINITY) {
      throw validationError(`${field} must be an integer of at least ${min}`, { field, min });
    }
    throw validationError(`${field} must be an integer from ${min} to ${max}`, { field, min, max });
  }
  return value;
}
