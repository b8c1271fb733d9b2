import { describe, expect, it } from "vitest";
import { otelExportRequested, startOtelSdk } from "./otel-sdk.js";

describe("OpenTelemetry export from the environment", () => {
  it("is off unless an OTLP endpoint or an exporter is named", () => {
    expect(otelExportRequested({})).toEqual({ traces: false, metrics: false });
    expect(otelExportRequested({ OTEL_SERVICE_NAME: "x", OTEL_EXPORTER_OTLP_ENDPOINT: " " })).toEqual({
      traces: false,
      metrics: false,
    });
  });

  it("turns on each signal its variables name", () => {
    expect(otelExportRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toEqual({
      traces: true,
      metrics: true,
    });
    expect(otelExportRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toEqual({
      traces: true,
      metrics: false,
    });
    expect(otelExportRequested({ OTEL_METRICS_EXPORTER: "console" })).toEqual({ traces: false, metrics: true });
    expect(otelExportRequested({ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "true" })).toEqual({
      traces: false,
      metrics: false,
    });
  });

  it("starts nothing (and imports no SDK) when export was not asked for", async () => {
    const handle = await startOtelSdk({}, { name: "test", version: "0.0.0" });
    expect(handle.started).toBe(false);
    await handle.shutdown();
  });
});
