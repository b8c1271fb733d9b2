import type { JsonObject, JsonValue } from "@openwop/storage";
import { COMPARISONS, compareValues, isComparison } from "../workflow/compare.js";
import type { NodeContext, NodeOutcome, NodeType } from "./types.js";

/** Does nothing and completes: the unit of workflow structure. */
export const noopNode: NodeType = {
  typeId: "core.noop",
  execute: () => ({ kind: "completed", outputs: {} }),
};

/** Completes with its inputs as outputs, unchanged. */
export const identityNode: NodeType = {
  typeId: "core.identity",
  execute: ({ inputs }) => ({ kind: "completed", outputs: inputs }),
};

/** Always fails, with `config.code` / `config.message` when given. */
export const failNode: NodeType = {
  typeId: "core.fail",
  execute: ({ config }) => ({
    kind: "failed",
    error: {
      code: typeof config["code"] === "string" ? config["code"] : "node_failed",
      message: typeof config["message"] === "string" ? config["message"] : "core.fail failed as designed",
    },
  }),
};

/** Marks where a workflow begins; completes at once with outputs `{}` (core.md §9.11). */
export const startNode: NodeType = {
  typeId: "core.start",
  execute: () => ({ kind: "completed", outputs: {} }),
};

/**
 * Marks where a workflow ends; completes with its resolved inputs as outputs, so what it
 * gathers becomes the run's result (core.md §9.12).
 */
export const endNode: NodeType = {
  typeId: "core.end",
  execute: ({ inputs }) => ({ kind: "completed", outputs: inputs }),
};

/**
 * Reads one run variable, `config.name`, into outputs `{name, value}`; a variable that is
 * not set gives `config.default` when there is one, and fails the node otherwise (core.md §9.13).
 */
export const getVariableNode: NodeType = {
  typeId: "core.getVariable",
  execute: ({ config, variables }): NodeOutcome => {
    const name = config["name"];
    if (typeof name !== "string" || name.length === 0) {
      return { kind: "failed", error: { code: "invalid_node_config", message: "core.getVariable needs config.name" } };
    }
    if (name in variables) return { kind: "completed", outputs: { name, value: variables[name] ?? null } };
    if ("default" in config) return { kind: "completed", outputs: { name, value: config["default"] ?? null } };
    return {
      kind: "failed",
      error: { code: "variable_not_set", message: `variable ${name} is not set and core.getVariable has no default` },
    };
  },
};

/** Sets one run variable from `inputs.value` (or `config.value`) under `config.name`. */
export const setVariableNode: NodeType = {
  typeId: "core.setVariable",
  execute: ({ config, inputs }): NodeOutcome => {
    const name = config["name"];
    if (typeof name !== "string" || name.length === 0) {
      return { kind: "failed", error: { code: "invalid_node_config", message: "core.setVariable needs config.name" } };
    }
    const value: JsonValue = "value" in inputs ? (inputs["value"] ?? null) : (config["value"] ?? null);
    return { kind: "completed", outputs: { name, value }, variables: { [name]: value } };
  },
};

/**
 * Evaluates `inputs.left <operator> inputs.right` (ports, falling back to config) and
 * completes on branch `"true"` or `"false"`; edges whose `sourceOutput` names the other
 * branch are not taken.
 */
export const conditionalNode: NodeType = {
  typeId: "core.conditional",
  execute: ({ config, inputs }: NodeContext): NodeOutcome => {
    const operator = config["operator"] ?? "truthy";
    if (!isComparison(operator)) {
      return {
        kind: "failed",
        error: {
          code: "invalid_node_config",
          message: `core.conditional operator must be one of ${COMPARISONS.join(", ")}`,
        },
      };
    }
    const pick = (key: string): JsonValue | undefined => (key in inputs ? inputs[key] : config[key]);
    const result = compareValues(operator, pick("left"), pick("right"));
    const outputs: JsonObject = { result };
    return { kind: "completed", outputs, branch: result ? "true" : "false" };
  },
};
