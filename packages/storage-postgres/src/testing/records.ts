import { randomUUID } from "node:crypto";
import type { NewRunEvent, NewRunRecord } from "@openwop/storage";

/** Small record builders for this package's own tests (the contract kit has its own). */

export const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

export function isoAt(offsetMs: number): string {
  return new Date(T0 + offsetMs).toISOString();
}

export function newRunRecord(overrides: Partial<NewRunRecord> = {}): NewRunRecord {
  return {
    runId: `run-${randomUUID()}`,
    tenantId: "tenant-a",
    workflowId: "wf",
    status: "pending",
    definition: { id: "wf", nodes: [{ id: "a" }, { id: "b" }, { id: "c" }] },
    inputs: {},
    variables: {},
    configurable: {},
    tags: [],
    metadata: {},
    currentNodeId: null,
    error: null,
    engineState: {},
    cancelRequested: false,
    createdAt: isoAt(0),
    startedAt: null,
    completedAt: null,
    updatedAt: isoAt(0),
    ...overrides,
  };
}

export function progressEvents(count: number, extra: Record<string, number | string> = {}): NewRunEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    type: "node.progress",
    payload: { index, ...extra },
    timestamp: isoAt(index),
  }));
}
