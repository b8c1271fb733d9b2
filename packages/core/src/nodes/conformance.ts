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

/**
 * Fails its first `config.failAttempts` attempts and completes on the next, with outputs
 * `{attempt}`: the `conformance-retry` fixtures use it to prove retries are made, counted and
 * logged (core.md §8.5). The attempt number comes from the engine, so a crash mid-run does
 * not change which attempt succeeds.
 */
export const flakyNode: NodeType = {
  typeId: "conformance.flaky",
  execute: ({ config, attempt }) => {
    const failAttempts = typeof config["failAttempts"] === "number" ? config["failAttempts"] : 1;
    if (attempt < failAttempts) {
      return {
        kind: "failed",
        error: {
          code: "flaky_failure",
          message: `conformance.flaky fails attempt ${attempt} of its first ${failAttempts}`,
        },
      };
    }
    return { kind: "completed", outputs: { attempt } };
  },
};
