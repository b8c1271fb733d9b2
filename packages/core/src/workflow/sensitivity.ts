import type { JsonObject, JsonValue } from "@openwop/storage";
import type { WorkflowDefinition } from "@openwop/types";
import { Redactor } from "../debug-bundle/redact.js";
import { isJsonObject } from "../json.js";
import { REDACTED } from "../run/redaction.js";
import { compileExpression } from "./expression.js";

/**
 * What one run must never write to its event log in the clear (observability.md §6, core.md
 * §8.9.5): the values of variables declared `sensitive` (their inputs, defaults and every value
 * assigned to them), every value an expression derived from such a variable, and node outputs on
 * ports marked in `outputSensitivity`. An executor builds one per execution, tells it of derived
 * values through `resolveInputs`' `sensitivity` option, and passes every event payload through
 * {@link maskEvent} before it is buffered.
 *
 * Masking is by value, as in debug bundles: a sensitive string is replaced where it is a whole
 * value and cut out of longer strings (when at least 4 characters long); objects and arrays are
 * replaced where they occur whole; numbers and booleans are masked only under a sensitive name.
 */
export class RunSensitivity {
  readonly #names: ReadonlySet<string>;
  readonly #outputPorts = new Map<string, ReadonlySet<string>>();
  readonly #values: JsonValue[] = [];
  readonly #seen = new Set<string>();
  #redactor: Redactor | undefined;

  constructor(definition: WorkflowDefinition, run: { inputs: JsonObject; variables: JsonObject }) {
    const names = new Set<string>();
    for (const variable of definition.variables) {
      if (!variable.sensitive) continue;
      names.add(variable.name);
      if (variable.defaultValue !== undefined) this.#add(variable.defaultValue as JsonValue);
    }
    this.#names = names;
    for (const node of definition.nodes) {
      const marks = node.outputSensitivity;
      if (!marks) continue;
      const ports = Object.keys(marks).filter((port) => marks[port] === true);
      if (ports.length > 0) this.#outputPorts.set(node.id, new Set(ports));
    }
    this.noteVariables(run.inputs);
    this.noteVariables(run.variables);
  }

  /** True when the run has nothing to mask. */
  get empty(): boolean {
    return this.#names.size === 0 && this.#outputPorts.size === 0;
  }

  /** Records the current values of the sensitive variables among `values`. */
  noteVariables(values: JsonObject): void {
    for (const name of this.#names) if (values[name] !== undefined) this.#add(values[name]);
  }

  /** Called with every expression result: a result that read a sensitive variable is itself sensitive. */
  derivedFrom(expression: string, value: JsonValue): void {
    if (this.#names.size === 0) return;
    const compiled = compileExpression(expression);
    const reads = compiled.dynamicVariables || [...compiled.variableRefs].some((name) => this.#names.has(name));
    if (reads) this.#add(value);
  }

  /** The payload as it may be written to the event log. */
  maskEvent(type: string, payload: JsonObject, nodeId?: string): JsonObject {
    if (this.empty) return payload;
    let masked = payload;
    if (type === "variable.changed" && typeof payload["name"] === "string" && this.#names.has(payload["name"])) {
      if (payload["next"] !== undefined) this.#add(payload["next"]);
      masked = maskMembers(masked, ["previous", "next"]);
    }
    const outputs = masked["outputs"];
    if (isJsonObject(outputs) && this.#outputPorts.size > 0) {
      if (type === "node.completed" && nodeId !== undefined) {
        const ports = this.#outputPorts.get(nodeId);
        if (ports) masked = { ...masked, outputs: maskMembers(outputs, ports) };
      } else if (type === "run.completed") {
        const byNode: JsonObject = { ...outputs };
        for (const [id, ports] of this.#outputPorts) {
          const nodeOutputs = byNode[id];
          if (isJsonObject(nodeOutputs)) byNode[id] = maskMembers(nodeOutputs, ports);
        }
        masked = { ...masked, outputs: byNode };
      }
    }
    return this.#values.length === 0 && this.#names.size === 0 ? masked : this.#redact().object(masked);
  }

  #add(value: JsonValue): void {
    if (value === null || value === REDACTED || typeof value === "number" || typeof value === "boolean") return;
    const key = JSON.stringify(value);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#values.push(value);
    this.#redactor = undefined;
  }

  #redact(): Redactor {
    this.#redactor ??= new Redactor(
      // Only what the run declared: the host's generic secret patterns apply to exports, not to the log.
      { secretKeyPatterns: [], secretValuePatterns: [] },
      { sensitiveKeys: this.#names, sensitiveValues: this.#values },
    );
    return this.#redactor;
  }
}

function maskMembers(object: JsonObject, members: Iterable<string>): JsonObject {
  const out: JsonObject = { ...object };
  for (const member of members) if (member in out) out[member] = REDACTED;
  return out;
}
