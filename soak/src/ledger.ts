/**
 * Everything the hosts acknowledged, as the soak's clients saw it: the record the invariants
 * are checked against. A request that got no answer is not in it (the host may or may not
 * have acted), except for idempotent creates, whose keys are retried until answered.
 */

/** How a run came about, which decides what it must end as. */
export type RunKind = "plain" | "idempotent" | "approval" | "cancellable";

export interface TrackedRun {
  runId: string;
  kind: RunKind;
  workflowId: string;
  /** The cycle it was acknowledged in. */
  cycle: number;
  /** The idempotency key it was created with. */
  key?: string;
  /** A 2xx answer to POST …/cancel arrived. */
  cancelAcknowledged: boolean;
  /** A 2xx answer to the interrupt resolution arrived. */
  resolved: boolean;
  /** The terminal status once seen. */
  terminalStatus?: string;
  /** The log as last verified: length and terminal event type. */
  verified?: { events: number; terminalType: string };
}

export interface IdempotentCreate {
  key: string;
  body: Record<string, unknown>;
}

export interface Counters {
  createsSent: number;
  createsUnanswered: number;
  createsRefused: number;
  idempotentRetries: number;
  cancelsAcknowledged: number;
  resolutionsAcknowledged: number;
  webhookPauses: number;
}

export class Ledger {
  readonly runs = new Map<string, TrackedRun>();
  /** Idempotency key → the run its first answer named. */
  readonly keys = new Map<string, { runId: string; body: Record<string, unknown> }>();
  /** Idempotent creates sent but not answered yet: retried until they are. */
  readonly unanswered = new Map<string, IdempotentCreate>();
  readonly counters: Counters = {
    createsSent: 0,
    createsUnanswered: 0,
    createsRefused: 0,
    idempotentRetries: 0,
    cancelsAcknowledged: 0,
    resolutionsAcknowledged: 0,
    webhookPauses: 0,
  };
  /** Non-idempotent creates that got no answer: the host may hold up to this many runs nobody was told of. */
  unansweredPlainCreates = 0;
  readonly violations: string[] = [];
  cycle = 0;

  acknowledge(run: Omit<TrackedRun, "cycle" | "cancelAcknowledged" | "resolved">): TrackedRun {
    const existing = this.runs.get(run.runId);
    if (existing) return existing;
    const tracked: TrackedRun = { ...run, cycle: this.cycle, cancelAcknowledged: false, resolved: false };
    this.runs.set(run.runId, tracked);
    return tracked;
  }

  /**
   * Records an answer for an idempotency key; a second answer naming another run breaks the
   * invariant "no idempotent retry made a second run".
   */
  answerForKey(key: string, runId: string, body: Record<string, unknown>): void {
    this.unanswered.delete(key);
    const first = this.keys.get(key);
    if (!first) {
      this.keys.set(key, { runId, body });
      return;
    }
    if (first.runId !== runId)
      this.violate(`idempotency key ${key} answered run ${runId} after having answered ${first.runId}`);
  }

  violate(message: string): void {
    this.violations.push(`cycle ${this.cycle}: ${message}`);
  }
}
