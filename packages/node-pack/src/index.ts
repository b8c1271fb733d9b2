export {
  completed,
  defineNode,
  defineNodePack,
  failed,
  INVALID_NODE_CONFIG,
  INVALID_NODE_INPUTS,
  type JsonSchema,
  type NodePackDefinition,
  type PackNode,
  type PackNodeContext,
} from "./define.js";
export {
  instantiateNodePack,
  isPackTypeId,
  loadNodePacks,
  NodePackLoadError,
  type LoadedNodePack,
  type NodeContext,
  type NodeOutcome,
  type NodePack,
  type NodePackHost,
  type NodePackSource,
} from "@openwop/core";
