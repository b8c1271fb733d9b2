import { describe, expect, it } from "vitest";
import type { JsonObject, RunEvent, RunRecord } from "@openwop/storage";
import { RunRedaction } from "./run-redaction.js";

const R = "[REDACTED]";

/** A stored run whose frozen definition declares `apiToken` sensitive and node `lookup`'s `customer` port sensitive. */
function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: "run-1",
    tenantId: "t1",
    workflowId: "wf",
    status: "completed",
    definition: {
      id: "wf",
      variables: [
        { name: "apiToken", type: "string", sensitive: true },
        { name: "region", type: "string" },
        { name: "pin", type: "string", sensitive: true, defaultValue: "default-pin-0000" },
      ],
      nodes: [
        { id: "lookup", typeId: "core.noop", outputSensitivity: { customer: true, count: false } },
        { id: "plain", typeId: "core.noop" },
      ],
    },
    inputs: { apiToken: "tok-1234567890", region: "eu" },
    variables: { apiToken: "tok-1234567890", region: "eu", pin: "default-pin-0000" },
    configurable: {},
    tags: [],
    metadata: {},
    currentNodeId: null,
    error: null,
    engineState: {},
    cancelRequested: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    completedAt: "2026-01-01T00:00:01.000Z",
    updatedAt: "2026-01-01T00:00:01.000Z",
    claim: null,
    lastSequence: 0,
    ...overrides,
  };
}

const event = (type: string, payload: JsonObject, nodeId?: string): RunEvent => ({
  eventId: `e-${type}`,
  runId: "run-1",
  type,
  payload,
  timestamp: "2026-01-01T00:00:00.500Z",
  sequence: 0,
  ...(nodeId ? { nodeId } : {}),
});

describe("RunRedaction", () => {
  const redaction = new RunRedaction(run());

  it("masks variables declared sensitive in inputs and variables, by name", () => {
    expect(redaction.object(run().inputs)).toEqual({ apiToken: R, region: "eu" });
    expect(redaction.object(run().variables)).toEqual({ apiToken: R, region: "eu", pin: R });
  });

  it("masks a sensitive value wherever an event repeats it, including a declared default", () => {
    const out = redaction.event(
      event("log.appended", { line: "using tok-1234567890 with default-pin-0000", list: [["tok-1234567890"]] }),
    );
    expect(JSON.stringify(out)).not.toContain("tok-1234567890");
    expect(JSON.stringify(out)).not.toContain("default-pin-0000");
    expect(out.payload).toEqual({ line: `using ${R} with ${R}`, list: [[R]] });
  });

  it("masks previous and next of variable.changed for a sensitive variable only", () => {
    expect(
      redaction.event(
        event("variable.changed", { name: "apiToken", previous: "x-old", next: "x-new-value", nodeId: "a" }),
      ).payload,
    ).toEqual({
      name: "apiToken",
      previous: R,
      next: R,
      nodeId: "a",
    });
    expect(redaction.event(event("variable.changed", { name: "region", previous: "eu", next: "us" })).payload).toEqual({
      name: "region",
      previous: "eu",
      next: "us",
    });
  });

  it("masks output ports marked in outputSensitivity on node.completed and run.completed", () => {
    const outputs = { customer: { name: "Ada" }, count: 2 };
    expect(redaction.event(event("node.completed", { nodeId: "lookup", outputs }, "lookup")).payload).toEqual({
      nodeId: "lookup",
      outputs: { customer: R, count: 2 },
    });
    expect(redaction.event(event("node.completed", { nodeId: "plain", outputs }, "plain")).payload).toEqual({
      nodeId: "plain",
      outputs,
    });
    expect(
      redaction.event(event("run.completed", { outputs: { lookup: outputs, plain: outputs }, durationMs: 3 })).payload,
    ).toEqual({
      outputs: { lookup: { customer: R, count: 2 }, plain: outputs },
      durationMs: 3,
    });
  });

  it("redacts the run error's message and details and keeps the envelope of events", () => {
    const error = { code: "node_error", message: "401 for Bearer abc.def", details: { password: "p", at: "node b" } };
    const failed = new RunRedaction(run({ status: "failed", error }));
    expect(failed.error(error)).toEqual({
      code: "node_error",
      message: `401 for ${R}`,
      details: { password: R, at: "node b" },
    });
    const original = event("node.failed", { error: { message: "Bearer abc.def" } }, "b");
    const out = failed.event(original);
    expect({ ...out, payload: original.payload }).toEqual(original);
  });
});
