import { LabeledSeries, type LabelValues } from "./labeled-series.js";
import { formatLabels, formatValue, header, type PrometheusMetric } from "./text-format.js";

/** A monotonically increasing count per label set; the name should end in `_total`. */
export class Counter<L extends string> implements PrometheusMetric {
  readonly #series: LabeledSeries<L, { value: number }>;

  constructor(
    readonly name: string,
    private readonly help: string,
    labelNames: readonly L[],
  ) {
    this.#series = new LabeledSeries(labelNames, () => ({ value: 0 }));
  }

  inc(labels: LabelValues<L>, by = 1): void {
    if (!(by >= 0)) return; // a counter never goes down; NaN is dropped too
    this.#series.get(labels).value += by;
  }

  render(): string[] {
    const lines = header(this.name, this.help, "counter");
    for (const { pairs, state } of this.#series.entries())
      lines.push(`${this.name}${formatLabels(pairs)} ${formatValue(state.value)}`);
    return lines;
  }
}
