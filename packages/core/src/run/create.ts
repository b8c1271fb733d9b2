import { randomUUID } from "node:crypto";
import type { JsonObject, JsonValue, NewRunRecord } from "@openwop/storage";
import { validateCreateRunRequest } from "@openwop/schema";
import { checkedBody } from "../validation.js";
import { validationError } from "../errors.js";
import { isJsonObject } from "../json.js";
import type { RegisteredWorkflow } from "../workflow/catalog.js";
import type { WorkflowVariable } from "@openwop/types";
import type { RunOrigin } from "../telemetry/origin.js";
import { initialEngineState, storeEngineState } from "./state.js";

/** A create-run request after validation: only what the engine needs. */
export interface AcceptedRunRequest {
  workflowId: string;
  inputs: JsonObject;
  configurable: JsonObject;
  tags: string[];
  metadata: JsonObject;
}

export interface RunLimits {
  /** Upper bound for `configurable.recursionLimit` and the default when it is absent. */
  maxNodeExecutions: number;
  /** Upper bound for `configurable.runTimeoutMs` and `settings.timeout`. */
  maxRunDurationMs: number;
}

/** Validates a `POST /v1/runs` body against the schema; every problem lands in `details.errors`. */
export function parseCreateRunRequest(body: unknown): AcceptedRunRequest {
  const value = checkedBody(
    validateCreateRunRequest,
    body,
    "request body",
  ) as unknown as Partial<AcceptedRunRequest> & {
    workflowId: string;
  };
  const metadata = value.metadata ?? {};
  checkMetadataBounds(metadata);
  return {
    workflowId: value.workflowId,
    inputs: value.inputs ?? {},
    configurable: value.configurable ?? {},
    tags: value.tags ?? [],
    metadata,
  };
}

/** `metadata` nests at most 4 deep (the object itself is depth 1) and serializes to at most 8192 bytes (core.md §6.1). */
const METADATA_MAX_DEPTH = 4;
const METADATA_MAX_BYTES = 8192;

function checkMetadataBounds(metadata: JsonObject): void {
  const depth = jsonDepth(metadata);
  if (depth > METADATA_MAX_DEPTH) {
    throw validationError(`metadata nests ${depth} levels deep; at most ${METADATA_MAX_DEPTH} are allowed`, {
      field: "metadata",
      maxDepth: METADATA_MAX_DEPTH,
    });
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > METADATA_MAX_BYTES) {
    throw validationError(`metadata serializes to ${bytes} bytes; at most ${METADATA_MAX_BYTES} are allowed`, {
      field: "metadata",
      maxBytes: METADATA_MAX_BYTES,
    });
  }
}

/** How deeply arrays and objects nest in `value`: a scalar is 0, `{}` is 1, `{"a": []}` is 2. */
function jsonDepth(value: JsonValue): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, jsonDepth(child as JsonValue)), 0);
}

const typeOf = (value: JsonValue): WorkflowVariable["type"] | "null" =>
  value === null ? "null" : Array.isArray(value) ? "array" : (typeof value as WorkflowVariable["type"]);

/** Variables seeded from declared defaults, overridden by inputs; declared types and bounds enforced. */
export function seedVariables(declared: readonly WorkflowVariable[], inputs: JsonObject): JsonObject {
  const variables: JsonObject = {};
  for (const variable of declared) {
    // Definitions are validated JSON, so a default is a JSON value.
    if (variable.defaultValue !== undefined) variables[variable.name] = variable.defaultValue as JsonValue;
  }
  Object.assign(variables, inputs);
  for (const variable of declared) {
    const value = variables[variable.name];
    const field = `inputs.${variable.name}`;
    if (value === undefined) {
      if (variable.required) throw validationError(`input ${variable.name} is required`, { field });
      continue;
    }
    if (typeOf(value) !== variable.type) {
      throw validationError(`input ${variable.name} must be of type ${variable.type}`, {
        field,
        expected: variable.type,
      });
    }
    if (typeof value === "number") {
      if (variable.minimum !== undefined && value < variable.minimum) {
        throw validationError(`input ${variable.name} must be at least ${variable.minimum}`, {
          field,
          min: variable.minimum,
        });
      }
      if (variable.maximum !== undefined && value > variable.maximum) {
        throw validationError(`input ${variable.name} must be at most ${variable.maximum}`, {
          field,
          max: variable.maximum,
        });
      }
    }
  }
  return variables;
}

function boundedInteger(configurable: JsonObject, key: string, max: number): number | undefined {
  const value = configurable[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw validationError(`configurable.${key} must be an integer from 1 to ${max}`, {
      field: `configurable.${key}`,
      key,
      value: isJsonObject(value) || Array.isArray(value) ? null : value,
      min: 1,
      max,
    });
  }
  return value;
}

/** The limits a run executes under, resolved once at creation so they are immutable. */
export function resolveRunLimits(
  workflow: RegisteredWorkflow,
  configurable: JsonObject,
  limits: RunLimits,
): { nodeExecutionLimit: number; timeoutMs: number | undefined } {
  const recursionLimit = boundedInteger(configurable, "recursionLimit", limits.maxNodeExecutions);
  const runTimeoutMs = boundedInteger(configurable, "runTimeoutMs", limits.maxRunDurationMs);
  const settingsTimeout = workflow.definition.settings.timeout;
  return {
    nodeExecutionLimit: recursionLimit ?? limits.maxNodeExecutions,
    timeoutMs:
      runTimeoutMs ?? (typeof settingsTimeout === "number" && settingsTimeout > 0 ? settingsTimeout : undefined),
  };
}

/**
 * Builds the stored run for a validated request. The run starts `pending`, with an empty
 * log. `origin` (the creating request's correlation id and trace context) is kept in the
 * engine state, so it survives restarts and takeovers.
 */
export function buildRunRecord(
  tenantId: string,
  workflow: RegisteredWorkflow,
  request: AcceptedRunRequest,
  limits: RunLimits,
  now: Date,
  origin?: RunOrigin,
): NewRunRecord {
  const variables = seedVariables(workflow.definition.variables, request.inputs);
  const resolved = resolveRunLimits(workflow, request.configurable, limits);
  const state = initialEngineState(
    workflow.definition.nodes.map((n) => n.id),
    {
      nodeExecutions: resolved.nodeExecutionLimit,
      ...(resolved.timeoutMs === undefined ? {} : { timeoutMs: resolved.timeoutMs }),
    },
  );
  if (origin) state.origin = origin;
  const timestamp = now.toISOString();
  return {
    runId: `run-${randomUUID()}`,
    tenantId,
    workflowId: workflow.definition.id,
    status: "pending",
    definition: workflow.definition as unknown as JsonObject,
    inputs: request.inputs,
    variables,
    configurable: request.configurable,
    tags: request.tags,
    metadata: request.metadata,
    currentNodeId: null,
    error: null,
    engineState: storeEngineState(state),
    cancelRequested: false,
    createdAt: timestamp,
    startedAt: null,
    completedAt: null,
    updatedAt: timestamp,
  };
}
