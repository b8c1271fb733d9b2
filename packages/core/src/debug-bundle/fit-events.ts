/** Why a bundle's event list was cut (debug-bundle.md §5.3). */
export type TruncationReason = "events_truncated_to_max_events" | "events_truncated_to_size_cap";

export interface FitInput {
  /**
   * Serialized bytes of the bundle with no events and `eventCount`/`nodeCount` both 0, in the
   * shape it takes for a given truncation reason (`undefined`: not truncated).
   */
  skeletonBytes: (reason: TruncationReason | undefined) => number;
  /** Serialized bytes of each event read, in log order: a prefix of the log, possibly shorter than it. */
  eventBytes: readonly number[];
  /** `nodeCounts[k]`: distinct node ids among the first k events; one longer than `eventBytes`. */
  nodeCounts: readonly number[];
  /** Events in the whole log. */
  logLength: number;
  /** The request's `maxEvents`, if any. */
  maxEvents?: number;
  maxBytes: number;
}

export interface Fit {
  /** How many events, from the start of the log, the bundle keeps. */
  count: number;
  /** Set when `count` is below `logLength`. */
  reason?: TruncationReason;
}

const digits = (n: number): number => String(n).length;

/**
 * Chooses the longest prefix of the log that both limits allow. Sizes are computed, not
 * re-serialized: the skeleton's size, plus each event's size measured once, plus the commas
 * between events, plus the extra digits of the two counts. That keeps fitting linear in the
 * number of events.
 *
 * When even zero events exceed the cap (the run's own inputs are larger than it), zero events
 * are kept and the bundle is over the cap: the spec keeps every other member complete and
 * forbids failing the request for size, so that is the only answer left.
 */
export function fitEvents(input: FitInput): Fit {
  const { eventBytes, nodeCounts, logLength, maxBytes } = input;
  const prefixBytes: number[] = [0];
  for (const bytes of eventBytes) prefixBytes.push((prefixBytes.at(-1) as number) + bytes);
  const size = (count: number, reason: TruncationReason | undefined): number =>
    input.skeletonBytes(reason) +
    (digits(count) - 1) +
    (digits(nodeCounts[count] ?? 0) - 1) +
    (prefixBytes[count] as number) +
    Math.max(count - 1, 0);

  const target = Math.min(logLength, input.maxEvents ?? logLength);
  const available = eventBytes.length >= target;
  if (target === logLength && available && size(logLength, undefined) <= maxBytes) return { count: logLength };
  if (target < logLength && available && size(target, "events_truncated_to_max_events") <= maxBytes) {
    return { count: target, reason: "events_truncated_to_max_events" };
  }
  if (logLength === 0) return { count: 0 };
  // The size cap cut deeper than maxEvents (or there was none): keep strictly fewer than `target`.
  const reason = "events_truncated_to_size_cap";
  const ceiling = Math.min(target - 1, eventBytes.length);
  let count = 0;
  while (count < ceiling && size(count + 1, reason) <= maxBytes) count += 1;
  return { count, reason };
}
