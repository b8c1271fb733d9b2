import type { WorkflowDefinition, WorkflowNode } from "@openwop/types";

/** How a failing node is tried again (core.md §8.5). */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 means the first failure is final. */
  readonly maxRetries: number;
  /** The wait before the first retry; each later wait doubles it. */
  readonly backoffMs: number;
  /** No wait between attempts is longer than this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_BACKOFF_MS = 1_000;
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

/**
 * Failures that another attempt cannot change: the host lacks what the node needs, or the
 * definition gives it nothing to read. Retrying them would only delay the run's failure.
 */
const DETERMINISTIC_FAILURES: ReadonlySet<string> = new Set([
  "capability_not_provided",
  "unsupported_node_type",
  "node_input_missing",
  // A configuration the node type cannot use stays unusable however often it is tried.
  "invalid_node_config",
  // An expression fails the same way every time it reads the same values (core.md §8.4).
  "expression_error",
]);

const whole = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;

/** The node's policy: its own settings first, then the workflow's `settings.maxRetries`. */
export function retryPolicyOf(node: WorkflowNode, definition: WorkflowDefinition): RetryPolicy {
  const own = node.settings ?? {};
  return {
    maxRetries: whole(own.maxRetries) ?? whole(definition.settings.maxRetries) ?? 0,
    backoffMs: whole(own.retryBackoffMs) ?? DEFAULT_RETRY_BACKOFF_MS,
    maxDelayMs: whole(own.maxRetryDelayMs) ?? DEFAULT_MAX_RETRY_DELAY_MS,
  };
}

/**
 * The wait before attempt `next` (1 for the first retry), or undefined when the failure is
 * final: the policy's retries are spent, or the error is one no retry can change.
 */
export function retryDelayFor(policy: RetryPolicy, next: number, errorCode: string): number | undefined {
  if (next > policy.maxRetries || DETERMINISTIC_FAILURES.has(errorCode)) return undefined;
  return Math.min(policy.maxDelayMs, policy.backoffMs * 2 ** (next - 1));
}
