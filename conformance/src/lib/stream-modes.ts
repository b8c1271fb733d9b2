/** The types the `updates` mode admits (stream-modes.md §3.2): an allow-list, so vendor and unknown types stay out. */
const UPDATES_TYPES = new Set([
  "run.started",
  "run.completed",
  "run.failed",
  "run.cancelled",
  "run.paused",
  "run.resumed",
  "node.completed",
  "node.failed",
  "node.skipped",
  "node.cancelled",
  "node.suspended",
  "node.resumed",
  "interrupt.requested",
  "interrupt.resolved",
  "cap.breached",
  "artifact.created",
  "node.dispatched",
  "run.annotated",
  "workspace.updated",
]);
const UPDATES_FAMILIES = ["approval.", "clarification.", "eval.", "deployment."];

export function admittedByUpdates(type: string): boolean {
  return UPDATES_TYPES.has(type) || UPDATES_FAMILIES.some((prefix) => type.startsWith(prefix));
}

/** What an `updates` stream of a run must carry, given its full log. */
export function updatesView<T extends { readonly type: string }>(events: readonly T[]): T[] {
  return events.filter((event) => admittedByUpdates(event.type));
}
