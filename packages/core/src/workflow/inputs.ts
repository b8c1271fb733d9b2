import type { JsonObject, JsonValue } from "@openwop/storage";
import type { PortValue } from "@openwop/types";

/** A required input port had nothing to read; the node fails with `node_input_missing`. */
export class InputResolutionError extends Error {
  override readonly name = "InputResolutionError";
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves a node's input ports against the run's variables and the outputs of nodes
 * that already completed. A required port with nothing to read is an error, not `null`.
 */
export function resolveInputs(
  ports: Record<string, PortValue>,
  variables: JsonObject,
  outputsOf: (nodeId: string) => JsonObject | undefined,
): JsonObject {
  const resolved: JsonObject = {};
  for (const [port, source] of Object.entries(ports)) {
    const value = resolvePort(port, source, variables, outputsOf);
    if (value !== undefined) resolved[port] = value;
  }
  return resolved;
}

function resolvePort(
  port: string,
  source: PortValue,
  variables: JsonObject,
  outputsOf: (nodeId: string) => JsonObject | undefined,
): JsonValue | undefined {
  switch (source.type) {
    case "static":
      // Definitions are read as JSON, so a static value is a JSON value.
      return source.value as JsonValue;
    case "variable": {
      if (source.variableName in variables) return variables[source.variableName];
      if (source.optional) return undefined;
      throw new InputResolutionError(port, `input ${port} reads variable ${source.variableName}, which is not set`);
    }
    case "connection": {
      const outputs = outputsOf(source.nodeId);
      if (outputs && source.outputKey in outputs) return outputs[source.outputKey];
      if (outputs && source.outputKey === "output") return outputs;
      if (source.optional) return undefined;
      throw new InputResolutionError(
        port,
        `input ${port} reads ${source.nodeId}.${source.outputKey}, which has no value`,
      );
    }
    case "expression":
      throw new InputResolutionError(port, `input ${port} is an expression; this host does not evaluate expressions`);
  }
}
