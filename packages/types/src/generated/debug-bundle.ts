// generated — do not edit; run pnpm generate
// Source: schemas/debug-bundle.schema.json (packages/types/scripts/generate.mjs).

import type { RunEvent } from "./run-event.js";
import type { RunError, RunStatus } from "./run-snapshot.js";

/**
 * Portable diagnostic export of one run, served by GET /v1/runs/{runId}/debug-bundle. metrics.eventCount must equal events.length; JSON Schema cannot say that, so the conformance suite checks it.
 */
export type DebugBundle = {
  bundleVersion: "1";
  generatedAt: string;
  host: DebugBundleHost;
  run: DebugBundleRun;
  /**
   * The run's full ordered log, or a prefix of it when truncated.
   */
  events: RunEvent[];
  /**
   * Trace spans of the run; empty when the host records none.
   */
  spans: DebugSpan[];
  metrics: DebugBundleMetrics;
  redactionApplied: boolean;
  /**
   * How sensitive values were treated; the host's compliance default.
   */
  redactionMode: "mask" | "omit" | "hash" | "passthrough";
  /**
   * True when the bundle hit the size cap and events is a prefix of the log.
   */
  truncated?: boolean;
  /**
   * Why the bundle was truncated, e.g. "events_truncated_to_size_cap".
   */
  truncatedReason?: string;
};

/**
 * Mirrors the discovery document's implementation block.
 */
export interface DebugBundleHost {
  name: string;
  version: string;
  vendor?: string;
}
export interface DebugBundleRun {
  runId: string;
  workflowId: string;
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  error?: RunError;
  inputs?: {
    [k: string]: unknown;
  };
  variables?: {
    [k: string]: unknown;
  };
}
export interface DebugSpan {
  name: string;
  /**
   * W3C trace id: 32 lowercase hex digits, never all zeros.
   */
  traceId: string;
  /**
   * W3C span id: 16 lowercase hex digits, never all zeros.
   */
  spanId: string;
  /**
   * The parent span, or null for the root span.
   */
  parentSpanId: string | null;
  kind: "internal" | "server" | "client" | "producer" | "consumer";
  status: DebugSpanStatus;
  startedAt: string;
  endedAt: string;
  /**
   * OpenTelemetry attributes: primitives or arrays of primitives.
   */
  attributes: {
    [k: string]: string | number | boolean | (string | number | boolean)[];
  };
}
export interface DebugSpanStatus {
  code: "unset" | "ok" | "error";
  message?: string;
}
export interface DebugBundleMetrics {
  /**
   * Accumulated cost of the run, or null when the host does not track cost.
   */
  openwopCost?: {
    [k: string]: unknown;
  } | null;
  /**
   * Number of distinct node ids in the log.
   */
  nodeCount: number;
  /**
   * Must equal events.length.
   */
  eventCount: number;
}
