import type { RunStatus } from "./generated/run-snapshot.js";

/** The statuses after which a run never changes again (spec/v1/core.md §6.5). */
export const TERMINAL_RUN_STATUSES = ["completed", "failed", "cancelled"] as const satisfies readonly RunStatus[];
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];

/** The statuses of a run suspended until an answer or an external event arrives. */
export const WAITING_RUN_STATUSES = [
  "waiting-approval",
  "waiting-input",
  "waiting-external",
] as const satisfies readonly RunStatus[];

/**
 * True for the three statuses after which a run never changes again. Takes any string: a
 * reader must treat a status it does not know as terminal-unknown (core.md §2.5), which is
 * the caller's decision, not this test's.
 */
export function isTerminalStatus(status: string): status is TerminalRunStatus {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** The event types that end a run's log, one per terminal status (spec/v1/core.md §7.3). */
export const TERMINAL_EVENT_TYPES = ["run.completed", "run.failed", "run.cancelled"] as const;
export type TerminalEventType = (typeof TERMINAL_EVENT_TYPES)[number];

/** True for `run.completed`, `run.failed` and `run.cancelled`. */
export function isTerminalEventType(type: string): type is TerminalEventType {
  return (TERMINAL_EVENT_TYPES as readonly string[]).includes(type);
}
