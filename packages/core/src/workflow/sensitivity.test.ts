import type { WorkflowDefinition } from "@openwop/types";
import { describe, expect, it } from "vitest";
import { resolveInputs } from "./inputs.js";
import { RunSensitivity } from "./sensitivity.js";

const definition = {
  id: "w",
  name: "w",
  version: "1",
  nodes: [
    { id: "a", typeId: "core.identity", name: "a", position: { x: 0, y: 0 }, config: {}, inputs: {} },
    {
      id: "b",
      typeId: "core.identity",
      name: "b",
      position: { x: 0, y: 0 },
      config: {},
      inputs: {},
      outputSensitivity: { hidden: true },
    },
  ],
  edges: [],
  triggers: [],
  variables: [
    { name: "apiToken", type: "string", sensitive: true },
    { name: "region", type: "string" },
  ],
  metadata: {},
  settings: {},
} as unknown as WorkflowDefinition;

const SECRET = "tok-0123456789";

describe("RunSensitivity", () => {
  const run = { inputs: { apiToken: SECRET, region: "eu" }, variables: { apiToken: SECRET, region: "eu" } };

  it("masks a sensitive variable's value wherever it flows, whole or inside a string", () => {
    const s = new RunSensitivity(definition, run);
    expect(
      s.maskEvent("node.completed", { nodeId: "a", outputs: { copy: SECRET, header: `Bearer ${SECRET}` } }, "a"),
    ).toEqual({ nodeId: "a", outputs: { copy: "[REDACTED]", header: "Bearer [REDACTED]" } });
    expect(s.maskEvent("node.completed", { nodeId: "a", outputs: { region: "eu" } }, "a")).toEqual({
      nodeId: "a",
      outputs: { region: "eu" },
    });
  });

  it("masks what an expression derived from a sensitive variable, and nothing derived from others", () => {
    const s = new RunSensitivity(definition, run);
    const inputs = resolveInputs(
      {
        upper: { type: "expression", expression: "variables.apiToken.substring(4) + '-x'" },
        where: { type: "expression", expression: "variables.region + '-1'" },
      },
      run.variables,
      () => undefined,
      { sensitivity: s },
    );
    expect(inputs).toEqual({ upper: "0123456789-x", where: "eu-1" });
    expect(s.maskEvent("node.completed", { nodeId: "a", outputs: inputs }, "a")).toEqual({
      nodeId: "a",
      outputs: { upper: "[REDACTED]", where: "eu-1" },
    });
  });

  it("masks variable.changed of a sensitive variable, and the new value afterwards", () => {
    const s = new RunSensitivity(definition, run);
    expect(s.maskEvent("variable.changed", { name: "apiToken", previous: SECRET, next: "tok-new-value" })).toEqual({
      name: "apiToken",
      previous: "[REDACTED]",
      next: "[REDACTED]",
    });
    expect(s.maskEvent("node.completed", { outputs: { v: "tok-new-value" } }, "a")).toEqual({
      outputs: { v: "[REDACTED]" },
    });
  });

  it("masks outputSensitivity ports in node.completed and run.completed", () => {
    const s = new RunSensitivity(definition, run);
    expect(s.maskEvent("node.completed", { outputs: { hidden: 1, shown: 2 } }, "b")).toEqual({
      outputs: { hidden: "[REDACTED]", shown: 2 },
    });
    expect(s.maskEvent("run.completed", { outputs: { b: { hidden: 1 }, a: { hidden: 1 } } })).toEqual({
      outputs: { b: { hidden: "[REDACTED]" }, a: { hidden: 1 } },
    });
  });

  it("leaves a run without declarations alone", () => {
    const plain = { ...definition, variables: [], nodes: [definition.nodes[0]] } as WorkflowDefinition;
    const payload = { outputs: { x: SECRET } };
    expect(new RunSensitivity(plain, run).maskEvent("node.completed", payload, "a")).toBe(payload);
  });
});
