import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The workflows the bench registers on every host (through `OPENWOP_WORKFLOWS_DIR`) and
 * on the in-process ceiling engine, so both run byte-identical definitions.
 */

interface BenchNode {
  id: string;
  typeId: string;
  name: string;
  position: { x: number; y: number };
  config: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

const noop = (id: string, index: number): BenchNode => ({
  id,
  typeId: "core.noop",
  name: id,
  position: { x: index * 160, y: 0 },
  config: {},
  inputs: {},
});

/** A delay whose length comes from the run's `delayMs` variable. */
const variableDelay = (id: string, index: number): BenchNode => ({
  id,
  typeId: "core.delay",
  name: id,
  position: { x: index * 160, y: 0 },
  config: {},
  inputs: { delayMs: { type: "variable", variableName: "delayMs" } },
});

const fixedDelay = (id: string, index: number, delayMs: number): BenchNode => ({
  id,
  typeId: "core.delay",
  name: id,
  position: { x: index * 160, y: 0 },
  config: { delayMs },
  inputs: {},
});

const chainEdges = (ids: readonly string[]) =>
  ids
    .slice(1)
    .map((target, i) => ({ id: `${ids[i]}-${target}`, sourceNodeId: ids[i] as string, targetNodeId: target }));

const definition = (id: string, name: string, nodes: BenchNode[], variables: unknown[] = [], timeout = 600_000) => ({
  id,
  name,
  version: "1.0.0",
  nodes,
  edges: chainEdges(nodes.map((n) => n.id)),
  triggers: [{ id: "manual", type: "manual", enabled: true }],
  variables,
  metadata: { tags: ["bench"] },
  settings: { timeout },
});

const DELAY_VARIABLE = { name: "delayMs", type: "number", required: true, minimum: 0, maximum: 3_600_000 };

/** Workload 1, 4 and 5: three no-op nodes chained a → b → c. */
export const CHAIN_WORKFLOW = definition("bench-chain", "Bench: three-node chain", [
  noop("a", 0),
  noop("b", 1),
  noop("c", 2),
]);

/**
 * Workload 7 subscribes to these: every event type a run of the chain appends, so each of
 * its events becomes one delivery per subscription.
 */
export const CHAIN_EVENT_TYPES = ["run.started", "node.started", "node.completed", "run.completed"] as const;

/** The events of those types one completed chain appends: a start and an end per node, and the run's. */
export const CHAIN_EVENTS_PER_RUN = 2 + 2 * CHAIN_WORKFLOW.nodes.length;

/**
 * Workload 2: a first delay keeps the run quiet until its subscriber is connected, so the
 * events that follow are live appends, not backlog; a second short delay splits them into
 * two bursts.
 */
export const DELIVERY_WORKFLOW = definition(
  "bench-delivery",
  "Bench: delayed chain for event delivery",
  [variableDelay("wait", 0), noop("a", 1), fixedDelay("pause", 2, 200), noop("b", 3), noop("c", 4)],
  [DELAY_VARIABLE],
);

/** Workload 3: one long delay, then a no-op, so thousands of runs stay in flight at once. */
export const HOLD_WORKFLOW = definition(
  "bench-hold",
  "Bench: held delay",
  [variableDelay("wait", 0), noop("done", 1)],
  [DELAY_VARIABLE],
);

export const BENCH_WORKFLOWS = [CHAIN_WORKFLOW, DELIVERY_WORKFLOW, HOLD_WORKFLOW] as const;

/** Writes every bench workflow as `<id>.json` into `dir` (created when missing). */
export async function writeWorkflowsDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const workflow of BENCH_WORKFLOWS)
    await writeFile(join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
  return dir;
}
