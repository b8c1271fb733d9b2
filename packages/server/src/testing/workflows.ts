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

const identity = (id: string, x: number, inputs: Record<string, unknown>, settings?: Record<string, unknown>) => ({
  id,
  typeId: "core.identity",
  name: id,
  position: { x, y: 0 },
  config: {},
  inputs,
  ...(settings === undefined ? {} : { settings }),
});

const expression = (source: string) => ({ type: "expression", expression: source }) as const;

/**
 * Expressions in port values and edge conditions (core.md §8.9): `compute` derives values
 * from the run's inputs and a sensitive variable; the edges route on its output, so exactly
 * one of `big` and `small` runs.
 */
export const EXPRESSIONS_WORKFLOW = {
  id: "suite-expressions",
  name: "Suite: expressions",
  version: "1.0.0",
  nodes: [
    identity("compute", 0, {
      total: expression("inputs.count * 2 + 1"),
      greeting: expression('"hello " + inputs.name'),
      authorization: expression('"Bearer " + variables.apiToken'),
    }),
    identity("big", 200, { total: expression("nodes.compute.outputs.total") }),
    identity("small", 200, { total: expression("nodes.compute.outputs.total") }),
  ],
  edges: [
    {
      id: "compute-big",
      sourceNodeId: "compute",
      targetNodeId: "big",
      condition: { type: "expression", expression: "nodes.compute.outputs.total > 10" },
    },
    {
      id: "compute-small",
      sourceNodeId: "compute",
      targetNodeId: "small",
      condition: { type: "expression", expression: "nodes.compute.outputs.total <= 10" },
    },
  ],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [
    { name: "count", type: "number" },
    { name: "name", type: "string" },
    { name: "apiToken", type: "string", sensitive: true },
  ],
  metadata: {},
  settings: {},
} as const;

/**
 * Expressions that fail at run time: `lookup` reads a map key the inputs may lack, under a
 * retry policy that must not apply (core.md §8.4); `guarded`'s condition divides by an input.
 */
export const FAILING_EXPRESSIONS_WORKFLOW = {
  id: "suite-expressions-failing",
  name: "Suite: failing expressions",
  version: "1.0.0",
  nodes: [
    identity("start", 0, {}),
    identity("guarded", 200, {}),
    identity("lookup", 400, { value: expression("inputs.options.depth") }, { maxRetries: 3, retryBackoffMs: 10 }),
  ],
  edges: [
    {
      id: "start-guarded",
      sourceNodeId: "start",
      targetNodeId: "guarded",
      condition: { type: "expression", expression: "10 / inputs.divisor > 1" },
    },
    { id: "start-lookup", sourceNodeId: "start", targetNodeId: "lookup" },
  ],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [
    { name: "divisor", type: "number" },
    { name: "options", type: "object" },
  ],
  metadata: {},
  settings: {},
} as const;

const typed = (id: string, typeId: string, x: number, extra: Record<string, unknown> = {}) => ({
  id,
  typeId,
  name: id,
  position: { x, y: 0 },
  config: {},
  inputs: {},
  ...extra,
});

/**
 * `core.start` → `core.getVariable` (one set, one defaulted) → `core.end` gathering both
 * values through connections, so they are the run's result (core.md §9.11–§9.13).
 */
export const START_END_WORKFLOW = {
  id: "suite-start-end",
  name: "Suite: start, getVariable, end",
  version: "1.0.0",
  nodes: [
    typed("begin", "core.start", 0),
    typed("who", "core.getVariable", 100, { config: { name: "who" } }),
    typed("mood", "core.getVariable", 100, { config: { name: "mood", default: "calm" } }),
    typed("finish", "core.end", 200, {
      inputs: {
        who: { type: "connection", nodeId: "who", outputKey: "value" },
        mood: { type: "connection", nodeId: "mood", outputKey: "value" },
      },
    }),
  ],
  edges: [
    { id: "begin-who", sourceNodeId: "begin", targetNodeId: "who" },
    { id: "begin-mood", sourceNodeId: "begin", targetNodeId: "mood" },
    { id: "who-finish", sourceNodeId: "who", targetNodeId: "finish" },
    { id: "mood-finish", sourceNodeId: "mood", targetNodeId: "finish" },
  ],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [
    { name: "who", type: "string" },
    { name: "mood", type: "string" },
  ],
  metadata: {},
  settings: {},
} as const;

/** One `core.interrupt` whose kind is a run input's choice of three configurations (core.md §9.14). */
export const interruptWorkflow = (id: string, config: Record<string, unknown>) => ({
  id,
  name: `Suite: ${id}`,
  version: "1.0.0",
  nodes: [typed("pause", "core.interrupt", 0, { config })],
  edges: [],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [],
  metadata: {},
  settings: { maxRetries: 2 },
});

export const INTERRUPT_WORKFLOWS = [
  interruptWorkflow("suite-interrupt-approval", { kind: "approval", title: "Ship it?" }),
  interruptWorkflow("suite-interrupt-clarification", {
    kind: "clarification",
    questions: [{ id: "q1", question: "Which region?" }],
  }),
  interruptWorkflow("suite-interrupt-bogus", { kind: "telepathy" }),
] as const;
