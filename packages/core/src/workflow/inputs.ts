import type { JsonObject, JsonValue } from "@openwop/storage";
import type { PortValue } from "@openwop/types";
import { evaluateExpression } from "./expression.js";

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

/** What resolution needs beyond variables and outputs. */
export interface InputResolutionOptions {
  /** The run's `inputs` (as given at creation), read by expressions as `inputs`. */
  runInputs?: JsonObject;
  /** Names `nodeId` in expression failures. */
  nodeId?: string;
  /**
   * Told of every value an expression derived from a variable declared `sensitive`
   * (see `RunSensitivity`), so that value is masked wherever it flows.
   */
  sensitivity?: { derivedFrom(expression: string, value: JsonValue): void };
}

/**
 * Resolves a node's input ports against the run's variables and the outputs of nodes
 * that already completed. A required port with nothing to read is an error, not `null`;
 * an expression that fails raises an `ExpressionError` (the node fails with `expression_error`).
 */
export function resolveInputs(
  ports: Record<string, PortValue>,
  variables: JsonObject,
  outputsOf: (nodeId: string) => JsonObject | undefined,
  options: InputResolutionOptions = {},
): JsonObject {
  const resolved: JsonObject = {};
  for (const [port, source] of Object.entries(ports)) {
    const value = resolvePort(port, source, variables, outputsOf, options);
    if (value !== undefined) resolved[port] = value;
  }
  return resolved;
}

function resolvePort(
  port: string,
  source: PortValue,
  variables: JsonObject,
  outputsOf: (nodeId: string) => JsonObject | undefined,
  options: InputResolutionOptions,
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
    case "expression": {
      const where = options.nodeId === undefined ? `input ${port}` : `node ${options.nodeId} input ${port}`;
      const value = evaluateExpression(
        source.expression,
        { variables, inputs: options.runInputs ?? {}, outputsOf },
        where,
      );
      options.sensitivity?.derivedFrom(source.expression, value);
      return value;
    }
  }
}
