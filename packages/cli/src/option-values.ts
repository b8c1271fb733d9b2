import { InvalidArgumentError } from "commander";

/**
 * Parsers for option values, given to commander so that a bad value is a usage error (exit
 * 2) reported with the option's name, before any request is sent.
 */

/** For repeatable options (`--tag a --tag b`): every value, in order. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number in `min..max`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`expected ${min}..${max}, got ${parsed}`);
    return parsed;
  };
}

/** An instant: an ISO 8601 date-time (or date), sent as the host's date-time text. */
export function instant(value: string): string {
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new InvalidArgumentError(`expected a date-time such as 2026-01-31T12:00:00Z, got "${value}"`);
  return new Date(at).toISOString();
}

/** A comma-separated list, or several uses of the option: `--event a,b --event c`. */
export function collectList(value: string, previous: readonly string[] | undefined): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) throw new InvalidArgumentError("expected at least one value");
  return [...(previous ?? []), ...items];
}
