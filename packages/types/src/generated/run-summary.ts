// generated — do not edit; run pnpm generate
// Source: schemas/run-summary.schema.json (packages/types/scripts/generate.mjs).

import type { RunError, RunStatus } from "./run-snapshot.js";

/**
 * One run as GET /v1/runs lists it (spec/v1/core.md §6.9): what an operator scans a page for. The full snapshot is at GET /v1/runs/{runId}. Open, like every response body a client reads.
 */
export interface RunSummary {
  runId: string;
  workflowId: string;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  /**
   * Set while the run is suspended on a node.
   */
  currentNodeId?: string;
  tags: string[];
  error?: RunError;
  [k: string]: unknown;
}
