import type { NodeType } from "./types.js";

/** The longest delay one node may ask for: one day. Longer waits belong to a scheduler. */
export const MAX_DELAY_MS = 86_400_000;

/**
 * Waits `inputs.delayMs` (or `config.delayMs`) milliseconds. The first step returns a
 * deadline the engine persists; after a crash the node is handed that deadline back,
 * so only the remaining time is waited. Cancellation aborts the wait.
 */
export const delayNode: NodeType = {
  typeId: "core.delay",
  execute: ({ inputs, config, wakeAt, now }) => {
    if (wakeAt !== null) {
      return wakeAt <= now() ? { kind: "completed", outputs: {} } : { kind: "sleep", wakeAt };
    }
    const requested = inputs["delayMs"] ?? config["delayMs"] ?? 0;
    if (typeof requested !== "number" || !Number.isFinite(requested) || requested < 0 || requested > MAX_DELAY_MS) {
      return {
        kind: "failed",
        error: { code: "invalid_node_input", message: `core.delay needs delayMs between 0 and ${MAX_DELAY_MS}` },
      };
    }
    if (requested === 0) return { kind: "completed", outputs: {} };
    return { kind: "sleep", wakeAt: now() + requested };
  },
};
