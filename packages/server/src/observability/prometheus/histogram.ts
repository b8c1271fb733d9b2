import { LabeledSeries, type LabelValues } from "./labeled-series.js";
import { formatLabels, formatValue, header, type PrometheusMetric } from "./text-format.js";

interface HistogramState {
  /** Observations per bucket, not cumulative: index i counts values in (bound[i-1], bound[i]]. */
  counts: number[];
  sum: number;
  count: number;
}

/** Observations in fixed buckets per label set, exposed cumulatively with `_sum` and `_count`. */
export class Histogram<L extends string> implements PrometheusMetric {
  readonly #bounds: readonly number[];
  readonly #series: LabeledSeries<L, HistogramState>;

  constructor(
    readonly name: string,
    private readonly help: string,
    labelNames: readonly L[],
    buckets: readonly number[],
  ) {
    this.#bounds = [...new Set(buckets)].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    this.#series = new LabeledSeries(labelNames, () => ({
      counts: new Array<number>(this.#bounds.length).fill(0),
      sum: 0,
      count: 0,
    }));
  }

  observe(labels: LabelValues<L>, value: number): void {
    if (Number.isNaN(value)) return;
    const state = this.#series.get(labels);
    const index = this.#bounds.findIndex((bound) => value <= bound);
    if (index >= 0) state.counts[index] = (state.counts[index] ?? 0) + 1;
    state.sum += value;
    state.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, "histogram");
    for (const { pairs, state } of this.#series.entries()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += state.counts[i] ?? 0;
        lines.push(`${this.name}_bucket${formatLabels([...pairs, ["le", formatValue(bound)]])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${formatLabels([...pairs, ["le", "+Inf"]])} ${state.count}`);
      lines.push(`${this.name}_sum${formatLabels(pairs)} ${formatValue(state.sum)}`);
      lines.push(`${this.name}_count${formatLabels(pairs)} ${state.count}`);
    }
    return lines;
  }
}
