import type { WorkflowDefinition, WorkflowEdge, WorkflowNode, WorkflowVariable } from "@openwop/types";

/**
 * The conformance fixtures every host seeds under these exact ids, so a black-box suite
 * can exercise behaviours without registering workflows of its own.
 */

/** A node before `fixture` places it on the canvas. */
type FixtureNode = Omit<WorkflowNode, "position">;

const node = (id: string, typeId: string, extra: Partial<FixtureNode> = {}): FixtureNode => ({
  id,
  typeId,
  name: id,
  config: {},
  inputs: {},
  ...extra,
});

const edge = (sourceNodeId: string, targetNodeId: string): WorkflowEdge => ({
  id: `${sourceNodeId}-${targetNodeId}`,
  sourceNodeId,
  targetNodeId,
});

const fixture = (
  id: string,
  name: string,
  nodes: [FixtureNode, ...FixtureNode[]],
  options: { edges?: WorkflowEdge[]; variables?: WorkflowVariable[]; timeout?: number; maxRetries?: number } = {},
): WorkflowDefinition => ({
  id,
  name: `Conformance: ${name}`,
  version: "1.0.0",
  nodes: nodes.map((n, index) => ({ ...n, position: { x: index * 200, y: 0 } })) as [WorkflowNode, ...WorkflowNode[]],
  edges: options.edges ?? [],
  triggers: [{ id: "manual", type: "manual", enabled: true }],
  variables: options.variables ?? [],
  metadata: { tags: ["conformance"] },
  settings: {
    timeout: options.timeout ?? 60_000,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  },
});

const chain = (ids: string[]): WorkflowEdge[] => ids.slice(1).map((id, i) => edge(ids[i] as string, id));

const capBreachNodes = Array.from({ length: 10 }, (_, i) => `n${i + 1}`);

const expression = (source: string) => ({ type: "expression", expression: source }) as const;

/** `compute` → `big` when its total is over 10, else → `small`: exactly one of them runs. */
const routeOnTotal = (target: string, condition: string): WorkflowEdge => ({
  ...edge("compute", target),
  condition: { type: "expression", expression: condition },
});

const EXPRESSION_FIXTURES: readonly WorkflowDefinition[] = [
  fixture(
    "conformance-expressions",
    "Expressions",
    [
      node("compute", "core.identity", {
        inputs: {
          total: expression("inputs.count * 2 + 1"),
          greeting: expression('"hello " + variables.name'),
          authorization: expression('"Bearer " + variables.token'),
        },
      }),
      node("big", "core.identity", { inputs: { total: expression("nodes.compute.outputs.total") } }),
      node("small", "core.identity", { inputs: { total: expression("nodes.compute.outputs.total") } }),
    ],
    {
      edges: [
        routeOnTotal("big", "nodes.compute.outputs.total > 10"),
        routeOnTotal("small", "nodes.compute.outputs.total <= 10"),
      ],
      variables: [
        { name: "count", type: "number", required: true },
        { name: "name", type: "string", defaultValue: "world" },
        { name: "token", type: "string", required: true, sensitive: true },
      ],
    },
  ),
  fixture(
    "conformance-expression-error",
    "Expression error",
    [
      node("lookup", "core.identity", {
        inputs: { value: expression("inputs.options.depth") },
        settings: { maxRetries: 2, retryBackoffMs: 100 },
      }),
    ],
    { variables: [{ name: "options", type: "object", defaultValue: {} }] },
  ),
];

export const CONFORMANCE_FIXTURES: readonly WorkflowDefinition[] = [
  fixture("conformance-noop", "Noop", [node("noop", "core.noop")]),
  fixture(
    "conformance-identity",
    "Identity",
    [node("echo", "core.identity", { inputs: { payload: { type: "variable", variableName: "payload" } } })],
    { variables: [{ name: "payload", type: "object", required: true }] },
  ),
  fixture(
    "conformance-delay",
    "Delay",
    [node("wait", "core.delay", { inputs: { delayMs: { type: "variable", variableName: "delayMs" } } })],
    { variables: [{ name: "delayMs", type: "number", defaultValue: 1000, minimum: 0, maximum: 30_000 }] },
  ),
  fixture("conformance-failure", "Failure", [node("fail", "core.fail")], { maxRetries: 0 }),
  fixture("conformance-approval", "Approval", [
    node("gate", "core.approvalGate", {
      config: { title: "Approve the conformance run", description: "Accept or reject.", actions: ["accept", "reject"] },
    }),
  ]),
  fixture("conformance-clarification", "Clarification", [
    node("ask", "core.clarificationGate", {
      config: { questions: [{ id: "q1", question: "What is your favorite color?" }] },
    }),
  ]),
  fixture(
    "conformance-multi-node",
    "Multi-node",
    [node("a", "core.noop"), node("b", "core.noop"), node("c", "core.noop")],
    {
      edges: chain(["a", "b", "c"]),
    },
  ),
  fixture("conformance-idempotent", "Idempotent", [node("noop", "core.noop")], {
    variables: [{ name: "nonce", type: "string", required: true }],
  }),
  fixture(
    "conformance-cancellable",
    "Cancellable",
    [node("wait", "core.delay", { inputs: { delayMs: { type: "variable", variableName: "delayMs" } } })],
    {
      variables: [{ name: "delayMs", type: "number", defaultValue: 30_000, minimum: 1, maximum: 60_000 }],
      timeout: 120_000,
    },
  ),
  fixture(
    "conformance-cap-breach",
    "Cap breach",
    capBreachNodes.map((id) => node(id, "core.noop")) as [FixtureNode, ...FixtureNode[]],
    { edges: chain(capBreachNodes) },
  ),
  fixture("conformance-capability-missing", "Capability missing", [node("needs", "conformance.requiresMissing")]),
  fixture(
    "conformance-retry",
    "Retry",
    [
      node("flaky", "conformance.flaky", {
        config: { failAttempts: 2 },
        settings: { maxRetries: 3, retryBackoffMs: 200, maxRetryDelayMs: 1_000 },
      }),
    ],
    { maxRetries: 0 },
  ),
  fixture("conformance-retry-exhausted", "Retry exhausted", [
    node("flaky", "conformance.flaky", {
      config: { failAttempts: 10 },
      settings: { maxRetries: 1, retryBackoffMs: 100 },
    }),
  ]),
  fixture(
    "conformance-run-duration-breach",
    "Run duration breach",
    [node("wait", "core.delay", { inputs: { delayMs: { type: "static", value: 30_000 } } })],
    { timeout: 120_000 },
  ),
  // Expressions in port values and edge conditions (core.md §8.9).
  ...EXPRESSION_FIXTURES,
];
