/**
 * Deep copy at the adapter boundary. A durable adapter serialises on the way in and out,
 * so callers can never reach stored state through a reference; the memory adapter copies
 * to behave the same, or the engine would pass tests here and fail on SQLite.
 */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
