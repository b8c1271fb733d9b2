import type { JsonObject, NewRunEvent } from "@openwop/storage";

/** The engine version stamped on events (a decimal string on events, per the v1 contract). */
export const ENGINE_VERSION = 1;

/** Builds an event with the canonical optional fields every engine event carries. */
export function runEvent(type: string, payload: JsonObject, at: number, nodeId?: string): NewRunEvent {
  return {
    type,
    payload,
    timestamp: new Date(at).toISOString(),
    schemaVersion: 1,
    engineVersion: String(ENGINE_VERSION),
    ...(nodeId === undefined ? {} : { nodeId }),
  };
}

/** The event types the `updates` stream mode omits; everything else is an update. */
export const NON_UPDATE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "node.started",
  "node.retried",
  "variable.changed",
  "version.pinned",
  "lease.acquired",
  "lease.renewed",
  "lease.lost",
  "lease.handed-off",
  "log.appended",
  "output.chunk",
]);
