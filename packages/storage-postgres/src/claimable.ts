import { RUN_STATUSES, TERMINAL_RUN_STATUSES, WAITING_RUN_STATUSES, type RunStatus } from "@openwop/storage";

/**
 * Statuses a worker may claim: not terminal and not waiting on a human (the SPI's words).
 * `paused` is included by that definition; the engine decides what a claimed paused run does.
 */
export const CLAIMABLE_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter(
  (status) => !TERMINAL_RUN_STATUSES.includes(status) && !WAITING_RUN_STATUSES.includes(status),
);

/**
 * The same set as an SQL list, spelled out literally in queries rather than bound as a
 * parameter: only a literal lets the planner match the partial index `runs_claimable`
 * (migrations/0001_initial.sql), whose predicate must list exactly these statuses.
 */
export const CLAIMABLE_SQL = `(${CLAIMABLE_STATUSES.map((status) => `'${status}'`).join(", ")})`;

export const TERMINAL_SQL = `(${TERMINAL_RUN_STATUSES.map((status) => `'${status}'`).join(", ")})`;
