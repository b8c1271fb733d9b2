import { isTerminalEventType } from "@openwop/types";
import type { FaultSwitch } from "./switches.js";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Applies a body-level fault to a parsed JSON response. Returns the new body, or
 * `undefined` when this fault leaves this response alone.
 */
export function rewriteJsonBody(fault: FaultSwitch, status: number, path: string, body: unknown): unknown {
  if (fault === "envelope-extra-key" && status >= 400 && isObject(body) && typeof body.error === "string") {
    return { ...body, correlationId: "fault-proxy" };
  }
  if (fault === "unauthenticated-as-forbidden" && status === 401 && isObject(body)) {
    return { ...body, error: "forbidden" };
  }
  const isPoll = /\/events\/poll$/.test(path.split("?")[0] ?? "");
  if (isPoll && status === 200 && isObject(body) && Array.isArray(body.events)) {
    const events = body.events as unknown[];
    if (fault === "duplicate-terminal") {
      const index = events.findIndex((event) => isObject(event) && isTerminalEventType(event.type as string));
      if (index !== -1)
        return { ...body, events: [...events.slice(0, index + 1), events[index], ...events.slice(index + 1)] };
    }
    if (fault === "sequence-gap") {
      return { ...body, events: events.filter((event) => !(isObject(event) && event.sequence === 1)) };
    }
  }
  return undefined;
}
