import type { PrometheusMetric } from "./text-format.js";

/** A process's metrics, rendered together for one scrape. Names must be unique. */
export class PrometheusRegistry {
  readonly #metrics = new Map<string, PrometheusMetric>();

  register<M extends PrometheusMetric>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** The whole exposition: every metric's lines, newline-terminated as the format requires. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.#metrics.values()) lines.push(...metric.render());
    return `${lines.join("\n")}\n`;
  }
}
