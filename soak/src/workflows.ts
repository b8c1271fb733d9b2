import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const node = (id: string, typeId: string, x: number, config: Record<string, unknown> = {}) => ({
  id,
  typeId,
  name: id,
  position: { x, y: 0 },
  config,
  inputs: {},
});

/**
 * a → wait1 → b → wait2 → c: five nodes with two waits between them, so a kill often lands
 * in the middle of a run, and a takeover that re-ran a node would show as a second start.
 */
export const SOAK_CHAIN = {
  id: "soak-chain",
  name: "Soak: chain",
  version: "1.0.0",
  nodes: [
    node("a", "core.noop", 0),
    node("wait1", "core.delay", 100, { delayMs: 300 }),
    node("b", "core.noop", 200),
    node("wait2", "core.delay", 300, { delayMs: 200 }),
    node("c", "core.noop", 400),
  ],
  edges: [
    { id: "a-wait1", sourceNodeId: "a", targetNodeId: "wait1" },
    { id: "wait1-b", sourceNodeId: "wait1", targetNodeId: "b" },
    { id: "b-wait2", sourceNodeId: "b", targetNodeId: "wait2" },
    { id: "wait2-c", sourceNodeId: "wait2", targetNodeId: "c" },
  ],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [],
  metadata: {},
  settings: {},
} as const;

/** Writes the soak's own workflow into a fresh directory for OPENWOP_WORKFLOWS_DIR. */
export async function writeWorkflowsDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "soak-chain.json"), JSON.stringify(SOAK_CHAIN));
  return dir;
}
