const noop = (id: string, x: number) => ({
  id,
  typeId: "core.noop",
  name: id,
  position: { x, y: 0 },
  config: {},
  inputs: {},
});

/** a → b, a → c, b + c → d: the join must wait for both branches and run once. */
export const DIAMOND_WORKFLOW = {
  id: "suite-diamond",
  name: "Suite: diamond",
  version: "1.0.0",
  nodes: [noop("a", 0), noop("b", 200), noop("c", 200), noop("d", 400)],
  edges: [
    { id: "ab", sourceNodeId: "a", targetNodeId: "b" },
    { id: "ac", sourceNodeId: "a", targetNodeId: "c" },
    { id: "bd", sourceNodeId: "b", targetNodeId: "d" },
    { id: "cd", sourceNodeId: "c", targetNodeId: "d" },
  ],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [],
  metadata: {},
  settings: {},
} as const;

const delay = (id: string, x: number, delayMs: number) => ({
  id,
  typeId: "core.delay",
  name: id,
  position: { x, y: 0 },
  config: { delayMs },
  inputs: {},
});

/** a → wait1 → b → wait2 → c: long enough to kill a host in the middle of it. */
export const SLOW_CHAIN_WORKFLOW = {
  id: "suite-slow-chain",
  name: "Suite: slow chain",
  version: "1.0.0",
  nodes: [noop("a", 0), delay("wait1", 100, 1500), noop("b", 200), delay("wait2", 300, 500), noop("c", 400)],
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
