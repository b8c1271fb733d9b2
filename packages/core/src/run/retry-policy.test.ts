import type { WorkflowDefinition, WorkflowNode } from "@openwop/types";
import { describe, expect, it } from "vitest";
import { retryDelayFor, retryPolicyOf } from "./retry-policy.js";

const node = (settings?: Record<string, unknown>): WorkflowNode =>
  ({
    id: "n",
    typeId: "core.fail",
    name: "n",
    position: { x: 0, y: 0 },
    config: {},
    inputs: {},
    ...(settings ? { settings } : {}),
  }) as WorkflowNode;
const workflow = (maxRetries?: number): WorkflowDefinition =>
  ({ settings: maxRetries === undefined ? {} : { maxRetries } }) as unknown as WorkflowDefinition;

describe("retry policy (core.md §8.5)", () => {
  it("takes the node's settings first, then the workflow's maxRetries, then none", () => {
    expect(retryPolicyOf(node({ maxRetries: 2 }), workflow(5)).maxRetries).toBe(2);
    expect(retryPolicyOf(node(), workflow(5)).maxRetries).toBe(5);
    expect(retryPolicyOf(node(), workflow()).maxRetries).toBe(0);
    expect(retryPolicyOf(node({ maxRetries: -1 }), workflow()).maxRetries).toBe(0);
  });

  it("doubles the wait from the backoff, caps it, and stops after maxRetries", () => {
    const policy = retryPolicyOf(node({ maxRetries: 5, retryBackoffMs: 100, maxRetryDelayMs: 350 }), workflow());
    expect([1, 2, 3, 4, 5].map((next) => retryDelayFor(policy, next, "boom"))).toEqual([100, 200, 350, 350, 350]);
    expect(retryDelayFor(policy, 6, "boom")).toBeUndefined();
  });

  it("never retries a failure no attempt can change", () => {
    const policy = retryPolicyOf(node({ maxRetries: 3 }), workflow());
    for (const code of ["capability_not_provided", "unsupported_node_type", "node_input_missing"]) {
      expect(retryDelayFor(policy, 1, code), code).toBeUndefined();
    }
    expect(retryDelayFor(policy, 1, "node_error")).toBe(1_000);
  });
});
