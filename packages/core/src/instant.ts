import { validationError } from "./errors.js";

/** RFC 3339 `date-time`: a four-digit year, seconds, optional fraction, `Z` or a numeric offset. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * The instant an RFC 3339 `date-time` names, in epoch milliseconds, or undefined when the
 * text is not one every storage can hold. `Date.parse` alone is too lenient for the edge: it
 * takes extended years (`+010000-…`), which turn back into text Postgres cannot parse, year
 * 0000, which Postgres has no room for, and impossible dates like 31 February, which it
 * silently rolls into March.
 */
export function instantOf(text: string): number | undefined {
  const parts = DATE_TIME.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetHours = parts[9] === undefined ? 0 : Number(parts[9]);
  const offsetMinutes = parts[10] === undefined ? 0 : Number(parts[10]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? undefined : instant;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** {@link instantOf}, or a 400 naming the field that holds something else. */
export function requireInstant(text: string, field: string): number {
  const instant = instantOf(text);
  if (instant === undefined) {
    throw validationError(`${field} must be an RFC 3339 date-time between years 0001 and 9999`, { field });
  }
  return instant;
}
