/** The values of a metric's labels, one per declared label name. */
export type LabelValues<L extends string> = Readonly<Record<L, string>>;

/**
 * The series of one metric, one per distinct label set. Label names are fixed when the
 * metric is declared, so a series is found by its values in declaration order.
 */
export class LabeledSeries<L extends string, S> {
  readonly #series = new Map<string, { pairs: Array<readonly [string, string]>; state: S }>();

  constructor(
    private readonly labelNames: readonly L[],
    private readonly create: () => S,
  ) {}

  /** The state of the series with these label values, created on first use. */
  get(labels: LabelValues<L>): S {
    const values = this.labelNames.map((name) => labels[name]);
    const key = JSON.stringify(values);
    let entry = this.#series.get(key);
    if (!entry) {
      entry = { pairs: this.labelNames.map((name, i) => [name, values[i] as string] as const), state: this.create() };
      this.#series.set(key, entry);
    }
    return entry.state;
  }

  entries(): IterableIterator<{ pairs: Array<readonly [string, string]>; state: S }> {
    return this.#series.values();
  }
}
