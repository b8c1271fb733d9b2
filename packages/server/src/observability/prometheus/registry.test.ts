import { describe, expect, it } from "vitest";
import { Counter } from "./counter.js";
import { Gauge } from "./gauge.js";
import { Histogram } from "./histogram.js";
import { PrometheusRegistry } from "./registry.js";

describe("the Prometheus text format", () => {
  it("renders counters per label set, escaping label values, with HELP and TYPE", () => {
    const registry = new PrometheusRegistry();
    const counter = registry.register(new Counter("jobs_total", "Jobs done.\nAll of them.", ["kind"]));
    counter.inc({ kind: "a" });
    counter.inc({ kind: "a" }, 2);
    counter.inc({ kind: 'quote"back\\slash\nline' });
    counter.inc({ kind: "a" }, -5);
    expect(registry.render()).toBe(
      [
        "# HELP jobs_total Jobs done.\\nAll of them.",
        "# TYPE jobs_total counter",
        'jobs_total{kind="a"} 3',
        'jobs_total{kind="quote\\"back\\\\slash\\nline"} 1',
        "",
      ].join("\n"),
    );
  });

  it("renders gauges and cumulative histogram buckets with +Inf, sum and count", () => {
    const registry = new PrometheusRegistry();
    const gauge = registry.register(new Gauge("inflight", "In flight."));
    gauge.inc();
    gauge.inc();
    gauge.dec();
    const histogram = registry.register(new Histogram("latency_seconds", "Latency.", ["route"], [1, 0.5]));
    for (const value of [0.2, 0.5, 0.7, 3]) histogram.observe({ route: "/x" }, value);
    expect(registry.render().split("\n")).toEqual([
      "# HELP inflight In flight.",
      "# TYPE inflight gauge",
      "inflight 1",
      "# HELP latency_seconds Latency.",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{route="/x",le="0.5"} 2',
      'latency_seconds_bucket{route="/x",le="1"} 3',
      'latency_seconds_bucket{route="/x",le="+Inf"} 4',
      'latency_seconds_sum{route="/x"} 4.4',
      'latency_seconds_count{route="/x"} 4',
      "",
    ]);
  });

  it("refuses two metrics under one name", () => {
    const registry = new PrometheusRegistry();
    registry.register(new Gauge("g", "G."));
    expect(() => registry.register(new Gauge("g", "G again."))).toThrow(/registered twice/);
  });
});
