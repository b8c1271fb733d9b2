import type { JsonObject, RunRecord } from "@openwop/storage";
import { ENGINE_VERSION } from "./events.js";
import { readEngineState } from "./state.js";

/** The v1 `RunSnapshot` of a stored run, as `GET /v1/runs/{id}` serves it. */
export function toRunSnapshot(run: RunRecord): JsonObject {
  const state = readEngineState(run.engineState);
  const nodeStates: JsonObject = {};
  for (const [nodeId, node] of Object.entries(state.nodes)) {
    nodeStates[nodeId] = { status: node.status, ...(node.error ? { error: node.error } : {}) };
  }
  return {
    runId: run.runId,
    workflowId: run.workflowId,
    status: run.status,
    owner: { tenant: run.tenantId },
    ...(run.currentNodeId ? { currentNodeId: run.currentNodeId } : {}),
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.completedAt ? { completedAt: run.completedAt } : {}),
    nodeStates,
    variables: run.variables,
    inputs: run.inputs,
    ...(run.error ? { error: run.error as unknown as JsonObject } : {}),
    engineVersion: ENGINE_VERSION,
    eventLogSchemaVersion: 2,
    tags: run.tags,
    metadata: run.metadata,
    configurable: run.configurable,
  };
}
