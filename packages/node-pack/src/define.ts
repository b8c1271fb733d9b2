import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import {
  loadNodePacks,
  NodeRegistry,
  type NodeContext,
  type NodeOutcome,
  type NodePack,
  type NodeType,
} from "@openwop/core";
import type { JsonObject, JsonValue } from "@openwop/storage";

/** A JSON Schema (draft 2020-12) describing a node's `config` or its inputs. */
export type JsonSchema = { readonly [key: string]: JsonValue | JsonSchema };

/**
 * What a pack node's `execute` receives: core's {@link NodeContext} with the node's
 * `config` and `inputs` typed. Config, inputs, variables and configurable are deep copies,
 * frozen: a node changes the run only through the outcome it returns.
 */
export type PackNodeContext<Config extends JsonObject = JsonObject, Inputs extends JsonObject = JsonObject> = Omit<
  NodeContext,
  "config" | "inputs"
> & {
  readonly config: Config;
  readonly inputs: Inputs;
};

/** One node type of a pack. */
export interface PackNode<Config extends JsonObject = JsonObject, Inputs extends JsonObject = JsonObject> {
  /** `<namespace>.<name>`, dotted and multi-segment, never `core.*` (core.md §9.1). */
  readonly typeId: string;
  /** Checked against the node's `config` before every execution; an invalid one fails with `invalid_node_config`. */
  readonly configSchema?: JsonSchema;
  /** Checked against the resolved inputs before every execution; an invalid one fails with `invalid_node_inputs`. */
  readonly inputsSchema?: JsonSchema;
  /** Runtime capabilities the host must provide (core.md §12). */
  readonly requires?: readonly string[];
  execute(context: PackNodeContext<Config, Inputs>): NodeOutcome | Promise<NodeOutcome>;
}

export interface NodePackDefinition {
  readonly name: string;
  readonly version: string;
  // biome-ignore lint/suspicious/noExplicitAny: each node keeps its own config and inputs types.
  readonly nodes: readonly PackNode<any, any>[];
}

/** The code a node fails with when its `config` does not match its `configSchema`. */
export const INVALID_NODE_CONFIG = "invalid_node_config";
/** The code a node fails with when its resolved inputs do not match its `inputsSchema`. */
export const INVALID_NODE_INPUTS = "invalid_node_inputs";

/** Types one node; the identity, so `execute` sees the declared config and inputs types. */
export function defineNode<Config extends JsonObject = JsonObject, Inputs extends JsonObject = JsonObject>(
  node: PackNode<Config, Inputs>,
): PackNode<Config, Inputs> {
  return node;
}

/** A completed outcome. */
export function completed(outputs: JsonObject = {}, variables?: JsonObject): NodeOutcome {
  return { kind: "completed", outputs, ...(variables ? { variables } : {}) };
}

/** A failed outcome with a machine-readable `code`. */
export function failed(code: string, message: string, details?: JsonObject): NodeOutcome {
  return { kind: "failed", error: { code, message, ...(details ? { details } : {}) } };
}

function newAjv(): Ajv2020 {
  return new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
}

function issuesOf(errors: readonly ErrorObject[] | null | undefined): JsonObject[] {
  return (errors ?? []).slice(0, 20).map((error) => ({
    path: error.instancePath === "" ? "/" : error.instancePath,
    message: error.message ?? "is invalid",
  }));
}

function frozenCopy<T extends JsonValue>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (item: unknown): void => {
    if (typeof item !== "object" || item === null) return;
    Object.freeze(item);
    for (const child of Object.values(item)) freeze(child);
  };
  freeze(copy);
  return copy;
}

function compileFor(ajv: Ajv2020, pack: string, typeId: string, what: string, schema: JsonSchema): ValidateFunction {
  try {
    return ajv.compile(schema as object);
  } catch (error) {
    throw new Error(
      `pack ${pack}: node type ${typeId}: its ${what} is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function toNodeType(pack: string, ajv: Ajv2020, node: PackNode): NodeType {
  const config = node.configSchema && compileFor(ajv, pack, node.typeId, "configSchema", node.configSchema);
  const inputs = node.inputsSchema && compileFor(ajv, pack, node.typeId, "inputsSchema", node.inputsSchema);
  return {
    typeId: node.typeId,
    ...(node.requires ? { requires: [...node.requires] } : {}),
    execute: (context) => {
      if (config && !config(context.config)) {
        return failed(INVALID_NODE_CONFIG, `node ${context.nodeId} (${node.typeId}) has an invalid config`, {
          typeId: node.typeId,
          issues: issuesOf(config.errors),
        });
      }
      if (inputs && !inputs(context.inputs)) {
        return failed(INVALID_NODE_INPUTS, `node ${context.nodeId} (${node.typeId}) has invalid inputs`, {
          typeId: node.typeId,
          issues: issuesOf(inputs.errors),
        });
      }
      return node.execute({
        ...context,
        config: frozenCopy(context.config),
        inputs: frozenCopy(context.inputs),
        variables: frozenCopy(context.variables),
        configurable: frozenCopy(context.configurable),
        resumeValue: context.resumeValue === null ? null : frozenCopy(context.resumeValue),
      });
    },
  };
}

/**
 * A node pack: its nodes' schemas compiled with ajv (draft 2020-12) at once, and checked
 * as a host would load it, so a bad type id, name or version throws here, at definition.
 *
 * @example
 * export default defineNodePack({
 *   name: "acme-greetings",
 *   version: "1.0.0",
 *   nodes: [
 *     defineNode<{ greeting: string }>({
 *       typeId: "acme.greet",
 *       configSchema: { type: "object", required: ["greeting"], properties: { greeting: { type: "string" } } },
 *       execute: ({ config }) => completed({ text: config.greeting }),
 *     }),
 *   ],
 * });
 */
export function defineNodePack(definition: NodePackDefinition): NodePack {
  const ajv = newAjv();
  const pack: NodePack = Object.freeze({
    name: definition.name,
    version: definition.version,
    nodes: Object.freeze(
      (Array.isArray(definition.nodes) ? definition.nodes : []).map((node) =>
        toNodeType(definition.name, ajv, node as PackNode),
      ),
    ),
  });
  // The checks a host makes at start, on a registry of its own.
  loadNodePacks(new NodeRegistry(), [pack]);
  return pack;
}
