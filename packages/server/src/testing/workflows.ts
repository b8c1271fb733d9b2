const noop = (id: string, x: number) => ({ id, typeId: "core.noop", name: id, position: { x, y: 0 }, config: {}, inputs: {} });

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
