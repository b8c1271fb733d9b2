import { flakyNode, requiresMissingNode } from "./conformance.js";
import { delayNode } from "./delay.js";
import {
  conditionalNode,
  endNode,
  failNode,
  getVariableNode,
  identityNode,
  noopNode,
  setVariableNode,
  startNode,
} from "./flow.js";
import { approvalGateNode, clarificationGateNode, interruptNode } from "./gates.js";
import { NodeRegistry } from "./registry.js";
import type { NodeType } from "./types.js";

/** Every node type this toolkit ships. */
export const BUILTIN_NODE_TYPES: readonly NodeType[] = [
  noopNode,
  identityNode,
  failNode,
  setVariableNode,
  conditionalNode,
  delayNode,
  approvalGateNode,
  clarificationGateNode,
  interruptNode,
  startNode,
  endNode,
  getVariableNode,
  requiresMissingNode,
  flakyNode,
];

export function createBuiltinRegistry(): NodeRegistry {
  return new NodeRegistry(BUILTIN_NODE_TYPES);
}
