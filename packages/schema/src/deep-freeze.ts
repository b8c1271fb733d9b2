/**
 * Freezes a JSON value and everything inside it. The schema documents are shared by every
 * validator in the process; freezing them means a caller who inspects `schemas` cannot
 * change what later validations check.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
