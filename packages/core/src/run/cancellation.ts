import type { NewRunEvent } from "@openwop/storage";
import { runEvent } from "./events.js";
import type { EngineState } from "./state.js";

const IN_FLIGHT = new Set(["running", "sleeping", "retrying", "resumed", "suspended"]);

/**
 * Marks every node still in flight cancelled and returns their `node.cancelled` events.
 * Shared by a run cancelling itself and by a run cancelled while nobody executes it, so
 * both leave the same log.
 */
export function cancelInFlightNodes(state: EngineState, reason: string, now: number): NewRunEvent[] {
  const events: NewRunEvent[] = [];
  for (const [nodeId, node] of Object.entries(state.nodes)) {
    if (!IN_FLIGHT.has(node.status)) continue;
    state.nodes[nodeId] = { ...node, status: "cancelled" };
    events.push(runEvent("node.cancelled", { nodeId, reason }, now, nodeId));
  }
  return events;
}

/** The terminal event of a cancelled run. */
export function runCancelledEvent(startedAt: string | null, now: number): NewRunEvent {
  const durationMs = startedAt ? Math.max(0, now - Date.parse(startedAt)) : 0;
  return runEvent("run.cancelled", { reason: "cancel requested", cancelledBy: "api", durationMs }, now);
}
