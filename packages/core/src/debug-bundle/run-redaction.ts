import type { JsonObject, JsonValue, RunError, RunEvent, RunRecord } from "@openwop/storage";
import { isJsonObject } from "../json.js";
import { REDACTED } from "../run/redaction.js";
import { Redactor, type RedactionPolicy } from "./redact.js";

/** What a run's frozen definition declares sensitive: variables, and output ports per node. */
interface Declared {
  variables: ReadonlySet<string>;
  outputPorts: ReadonlyMap<string, ReadonlySet<string>>;
}

const listOf = (value: JsonValue | undefined): JsonValue[] => (Array.isArray(value) ? value : []);

/**
 * Reads the declarations from the definition stored with the run rather than the catalog:
 * the run executed that definition, and the catalog may since hold another version.
 */
function declaredIn(definition: JsonObject): Declared {
  const variables = new Set<string>();
  for (const variable of listOf(definition["variables"])) {
    if (isJsonObject(variable) && variable["sensitive"] === true && typeof variable["name"] === "string")
      variables.add(variable["name"]);
  }
  const outputPorts = new Map<string, ReadonlySet<string>>();
  for (const node of listOf(definition["nodes"])) {
    if (!isJsonObject(node) || typeof node["id"] !== "string") continue;
    const marks = node["outputSensitivity"];
    if (!isJsonObject(marks)) continue;
    const ports = Object.keys(marks).filter((port) => marks[port] === true);
    if (ports.length > 0) outputPorts.set(node["id"], new Set(ports));
  }
  return { variables, outputPorts };
}

/** Every value a sensitive variable is known to hold: its input, its current value, its default. */
function sensitiveValuesOf(run: RunRecord, variables: ReadonlySet<string>): JsonValue[] {
  const values: JsonValue[] = [];
  const defaults = new Map<string, JsonValue>();
  for (const variable of listOf(run.definition["variables"])) {
    if (isJsonObject(variable) && typeof variable["name"] === "string" && variable["defaultValue"] !== undefined) {
      defaults.set(variable["name"], variable["defaultValue"]);
    }
  }
  for (const name of variables) {
    for (const value of [run.inputs[name], run.variables[name], defaults.get(name)])
      if (value !== undefined && value !== null) values.push(value);
  }
  return values;
}

/** A copy of `object` with the listed members masked where present. */
function maskMembers(object: JsonObject, members: Iterable<string>): JsonObject {
  const out: JsonObject = { ...object };
  for (const member of members) if (member in out) out[member] = REDACTED;
  return out;
}

/**
 * Redaction of one run for export: the host policy plus what the run's workflow declared
 * sensitive. Besides the generic rules, it knows the engine's event shapes that carry a
 * declared value under a name other than its own — `variable.changed` (`{name, previous,
 * next}`) and the `outputs` of `node.completed` and `run.completed` — and masks those by position.
 */
export class RunRedaction {
  readonly redactor: Redactor;
  readonly #declared: Declared;

  constructor(run: RunRecord, policy: RedactionPolicy = {}) {
    this.#declared = declaredIn(run.definition);
    this.redactor = new Redactor(policy, {
      sensitiveKeys: this.#declared.variables,
      sensitiveValues: sensitiveValuesOf(run, this.#declared.variables),
    });
  }

  object(value: JsonObject): JsonObject {
    return this.redactor.object(value);
  }

  error(error: RunError): RunError {
    return {
      code: this.redactor.string(error.code),
      message: this.redactor.string(error.message),
      // Stored errors went through JSON on their way into storage, so their details are JSON.
      ...(error.details ? { details: this.redactor.object(error.details as JsonObject) } : {}),
    };
  }

  /** The event with its payload redacted; the envelope is engine-generated and kept as is, so events still match the polled log. */
  event(event: RunEvent): RunEvent {
    return { ...event, payload: this.redactor.value(this.#maskDeclared(event)) };
  }

  #maskDeclared(event: RunEvent): JsonValue {
    // Read back from storage, where every payload is persisted as JSON.
    const payload = event.payload as JsonValue;
    if (!isJsonObject(payload)) return payload;
    const { variables, outputPorts } = this.#declared;
    if (event.type === "variable.changed") {
      const name = payload["name"];
      return typeof name === "string" && variables.has(name) ? maskMembers(payload, ["previous", "next"]) : payload;
    }
    const outputs = payload["outputs"];
    if (outputPorts.size === 0 || !isJsonObject(outputs)) return payload;
    if (event.type === "node.completed") {
      const ports = event.nodeId === undefined ? undefined : outputPorts.get(event.nodeId);
      return ports ? { ...payload, outputs: maskMembers(outputs, ports) } : payload;
    }
    if (event.type === "run.completed") {
      // run.completed carries every node's outputs keyed by node id.
      const masked: JsonObject = { ...outputs };
      for (const [nodeId, ports] of outputPorts) {
        const nodeOutputs = masked[nodeId];
        if (isJsonObject(nodeOutputs)) masked[nodeId] = maskMembers(nodeOutputs, ports);
      }
      return { ...payload, outputs: masked };
    }
    return payload;
  }
}
