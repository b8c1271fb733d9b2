import type { JsonObject } from "@openwop/storage";
import type { WorkflowVariable } from "@openwop/types";

export const REDACTED = "[REDACTED]";

/** Replaces values of variables declared `sensitive` so they never reach the event log. */
export function maskSensitiveVariables(declared: readonly WorkflowVariable[], values: JsonObject): JsonObject {
  const sensitive = new Set(declared.filter((v) => v.sensitive).map((v) => v.name));
  if (sensitive.size === 0) return values;
  const masked: JsonObject = {};
  for (const [name, value] of Object.entries(values)) masked[name] = sensitive.has(name) ? REDACTED : value;
  return masked;
}
