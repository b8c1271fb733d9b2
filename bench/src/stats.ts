/**
 * Latency summaries. Percentiles use the nearest-rank definition: the p-th percentile of n
 * sorted samples is the sample at rank ceil(p/100 · n), so p99 of 100 samples is the 99th
 * smallest and never an interpolated value nobody observed.
 */

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The nearest-rank percentile of samples already sorted ascending; NaN when there are none. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** The nearest-rank percentile of unsorted samples (copies, never reorders the input). */
export function percentile(samples: readonly number[], p: number): number {
  return percentileOfSorted(
    [...samples].sort((a, b) => a - b),
    p,
  );
}

const round = (value: number, digits: number): number => {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** Count, extremes, mean and the p50/p90/p99 of a sample set, rounded to `digits` decimals. */
export function summarize(samples: readonly number[], digits = 2): Summary {
  if (samples.length === 0) {
    return {
      count: 0,
      min: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
    };
  }
  const sorted = [...samples].sort((a, b) => a - b);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    min: round(sorted[0] as number, digits),
    p50: round(percentileOfSorted(sorted, 50), digits),
    p90: round(percentileOfSorted(sorted, 90), digits),
    p99: round(percentileOfSorted(sorted, 99), digits),
    max: round(sorted[sorted.length - 1] as number, digits),
    mean: round(total / sorted.length, digits),
  };
}

/** `numerator / denominator`, or null when either side is missing or the denominator is 0. */
export function ratio(
  numerator: number | null | undefined,
  denominator: number | null | undefined,
  digits = 2,
): number | null {
  if (
    numerator == null ||
    denominator == null ||
    !Number.isFinite(numerator) ||
    !Number.isFinite(denominator) ||
    denominator === 0
  ) {
    return null;
  }
  return round(numerator / denominator, digits);
}

/** Rounds for reports: a rate or a duration to `digits` decimals. */
export function roundTo(value: number, digits = 1): number {
  return round(value, digits);
}
