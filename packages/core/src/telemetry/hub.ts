import type { EngineTelemetry } from "./sink.js";

/**
 * The engine's one telemetry sink, fanning each report out to whatever is attached.
 * A failing sink is reported and skipped: observability must never fail a run.
 */
export class TelemetryHub implements EngineTelemetry {
  readonly #sinks = new Set<Partial<EngineTelemetry>>();

  constructor(private readonly onError?: (error: unknown, context: string) => void) {}

  /** Adds a sink (every method optional); returns a function that detaches it. */
  attach(sink: Partial<EngineTelemetry>): () => void {
    this.#sinks.add(sink);
    return () => {
      this.#sinks.delete(sink);
    };
  }

  runCreated(event: Parameters<EngineTelemetry["runCreated"]>[0]): void {
    this.#emit("runCreated", event);
  }

  executionStarted(): void {
    this.#emit("executionStarted");
  }

  executionEnded(): void {
    this.#emit("executionEnded");
  }

  runTerminal(summary: Parameters<EngineTelemetry["runTerminal"]>[0]): void {
    this.#emit("runTerminal", summary);
  }

  nodeSettled(event: Parameters<EngineTelemetry["nodeSettled"]>[0]): void {
    this.#emit("nodeSettled", event);
  }

  capExceeded(event: Parameters<EngineTelemetry["capExceeded"]>[0]): void {
    this.#emit("capExceeded", event);
  }

  authFailed(failure: Parameters<EngineTelemetry["authFailed"]>[0]): void {
    this.#emit("authFailed", failure);
  }

  webhookAttempted(attempt: Parameters<EngineTelemetry["webhookAttempted"]>[0]): void {
    this.#emit("webhookAttempted", attempt);
  }

  #emit<K extends keyof EngineTelemetry>(method: K, ...args: Parameters<EngineTelemetry[K]>): void {
    for (const sink of this.#sinks) {
      const report = sink[method] as ((...values: Parameters<EngineTelemetry[K]>) => void) | undefined;
      if (!report) continue;
      try {
        report.apply(sink, args);
      } catch (error) {
        this.onError?.(error, `telemetry sink (${method})`);
      }
    }
  }
}
