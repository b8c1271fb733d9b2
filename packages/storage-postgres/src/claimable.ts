import type { RunStatus } from "@openwop/storage";
import { TERMINAL_RUN_STATUSES } from "@openwop/types";

/**
 * Statuses a worker may claim and execute. Not terminal, not waiting on a human or an
 * external event, and not `paused`: an operator paused it, and only their resume (which
 * sets `running`) makes it work again. The contract kit pins exactly this set.
 */
export const CLAIMABLE_STATUSES: readonly RunStatus[] = ["pending", "running", "cancelling"];

/**
 * The same set as an SQL list, spelled out literally in queries rather than bound as a
 * parameter: only a literal lets the planner match the partial index `runs_claimable`
 * (migrations/0001_initial.sql), whose predicate must list exactly these statuses.
 */
export const CLAIMABLE_SQL = `(${CLAIMABLE_STATUSES.map((status) => `'${status}'`).join(", ")})`;

export const TERMINAL_SQL = `(${TERMINAL_RUN_STATUSES.map((status) => `'${status}'`).join(", ")})`;
