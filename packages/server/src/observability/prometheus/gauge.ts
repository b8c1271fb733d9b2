import { formatValue, header, type PrometheusMetric } from "./text-format.js";

/** One value that goes up and down (no labels: every gauge here is a process-wide figure). */
export class Gauge implements PrometheusMetric {
  #value = 0;

  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  get value(): number {
    return this.#value;
  }

  set(value: number): void {
    this.#value = value;
  }

  inc(by = 1): void {
    this.#value += by;
  }

  dec(by = 1): void {
    this.#value -= by;
  }

  render(): string[] {
    return [...header(this.name, this.help, "gauge"), `${this.name} ${formatValue(this.#value)}`];
  }
}
