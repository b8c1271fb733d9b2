import type { NodeType } from "./types.js";

/**
 * A node that needs a runtime capability no host provides. It exists so the
 * `conformance-capability-missing` fixture can prove the engine refuses to run a node
 * whose requirements are unmet; its body must never execute.
 */
export const requiresMissingNode: NodeType = {
  typeId: "conformance.requiresMissing",
  requires: ["conformance.never-provided"],
  execute: () => ({
    kind: "failed",
    error: { code: "internal_error", message: "conformance.requiresMissing must never execute" },
  }),
};
