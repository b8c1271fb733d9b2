import {
  ClaimLostError,
  RunNotFoundError,
  RUN_PATCH_FIELDS,
  StorageConflictError,
  type RunEvent,
  type RunPatch,
  type RunStep,
} from "@openwop/storage";
import type { PoolClient } from "pg";
import { CLAIMABLE_SQL } from "./claimable.js";
import { DELIVERIES_CHANNEL, EVENTS_CHANNEL, WORK_CHANNEL } from "./channels.js";
import type { Database } from "./database.js";
import { eventBatch, unnestEvents, type EventBatch } from "./event-batch.js";
import { NO_SUBSCRIPTION_SQL, outboxSql, type OutboxRoutes } from "./outbox.js";

/**
 * commitStep: one statement; wrapped in BEGIN … COMMIT only when it settles suspensions.
 *
 * The statement's first CTE is the run row's UPDATE. It is at once
 * - the lock: concurrent steps on the run queue on the row until this transaction ends,
 *   and Postgres re-reads the newest row version before applying a queued UPDATE, so
 *   `last_sequence + n` always counts from the latest committed value: sequences are
 *   gapless and unique across any number of processes (the (run_id, sequence) primary
 *   key would reject a duplicate even if that reasoning were wrong);
 * - the preconditions: the tenant (a step addressed to another tenant's run matches no
 *   row, exactly like a missing run), fence (holder and epoch) and expectStatus sit in its
 *   WHERE, so they are checked against the locked, newest row;
 * - the patch and the claim release.
 * The events, created suspensions and suspension transitions (of this run's suspensions
 * only) hang off its RETURNING
 * (each a FROM item joined with it; see event-batch.ts for why they travel as arrays), so
 * when a precondition fails nothing at all is written. Suspension transitions are
 * compare-and-set on `from`; if fewer rows moved than were asked, the transaction rolls
 * back. The NOTIFYs are queued by the same statement and only delivered on COMMIT.
 *
 * The same statement gives the events their feed position (the run row's `feed_xid`, raised
 * to this transaction's id, and a `feed_id` from the sequence: see migrations/0004) and
 * records their webhook deliveries (outbox.ts), so an acknowledged event is never without
 * them and a failed step records none.
 *
 * The statement comes in two forms. With the outbox, it records the deliveries. Without it
 * (the common case: a tenant without subscriptions), it has no outbox at all, which spares
 * every step the delivery table's insert and its locks, but its UPDATE also requires that the
 * run's tenant has no subscription (one probe of `webhooks_by_tenant`, in the same snapshot
 * the outbox would read): when the tenant has one, it matches no row and writes nothing, the
 * diagnosis says so, and the step runs again with the outbox. Which form is tried first is
 * only a guess (see {@link OutboxRoutes}); correctness never depends on it.
 */
function commitStepSql(withOutbox: boolean): string {
  const guard = withOutbox ? "" : `\n    AND ($2::integer = 0 OR ${NO_SUBSCRIPTION_SQL})`;
  const returning = withOutbox ? "\n  RETURNING sequence, type, occurred_at, feed_id" : "";
  const outbox = withOutbox
    ? `\n${outboxSql({ count: "$2::integer", firstSequence: "run.last_sequence - $2::integer + 1", dueMs: "$41::bigint[]" })},`
    : "";
  const notifyDeliveries = withOutbox
    ? `\n  CASE WHEN recorded.count > 0 THEN pg_notify('${DELIVERIES_CHANNEL}', '') END,`
    : "";
  return `
WITH run AS (
  UPDATE runs SET
    last_sequence    = last_sequence + $2::integer,
    status           = CASE WHEN 'status'          = ANY($3::text[]) THEN $4::text     ELSE status END,
    variables        = CASE WHEN 'variables'       = ANY($3::text[]) THEN $5::json     ELSE variables END,
    current_node_id  = CASE WHEN 'currentNodeId'   = ANY($3::text[]) THEN $6::text     ELSE current_node_id END,
    error            = CASE WHEN 'error'           = ANY($3::text[]) THEN $7::json     ELSE error END,
    engine_state     = CASE WHEN 'engineState'     = ANY($3::text[]) THEN $8::json     ELSE engine_state END,
    cancel_requested = CASE WHEN 'cancelRequested' = ANY($3::text[]) THEN $9::boolean  ELSE cancel_requested END,
    started_at       = CASE WHEN 'startedAt'       = ANY($3::text[]) THEN $10::text    ELSE started_at END,
    completed_at     = CASE WHEN 'completedAt'     = ANY($3::text[]) THEN $11::text    ELSE completed_at END,
    completed_at_ts  = CASE WHEN 'completedAt'     = ANY($3::text[]) THEN $11::text::timestamptz
                                                                                       ELSE completed_at_ts END,
    updated_at       = CASE WHEN 'updatedAt'       = ANY($3::text[]) THEN $12::text    ELSE updated_at END,
    claim_holder_id  = CASE WHEN $13::boolean THEN NULL ELSE claim_holder_id END,
    claim_expires_at = CASE WHEN $13::boolean THEN NULL ELSE claim_expires_at END,
    feed_xid         = CASE WHEN $2::integer > 0 THEN greatest(feed_xid, pg_current_xact_id()) ELSE feed_xid END
  WHERE run_id = $1::text
    AND ($40::text IS NULL OR tenant_id = $40::text)
    AND ($14::text IS NULL OR (claim_holder_id = $14::text AND claim_epoch = $15::integer))
    AND ($16::text[] IS NULL OR status = ANY($16::text[]))${guard}
  RETURNING run_id, tenant_id, tags, last_sequence, status, claim_holder_id, feed_xid
),
appended AS (
  INSERT INTO events (run_id, sequence, event_id, type, payload, occurred_at, node_id, schema_version, engine_version,
    causation_id, tenant_id, feed_xid)
  SELECT run.run_id, run.last_sequence - $2::integer + e.position::integer, e.event_id, e.type, e.payload,
    e.occurred_at, e.node_id, e.schema_version, e.engine_version, e.causation_id, run.tenant_id, run.feed_xid
  FROM run, ${unnestEvents(32)}
  ORDER BY e.position${returning}
),${outbox}
created AS (
  INSERT INTO suspensions (suspension_id, run_id, node_id, kind, status, data, created_at, resolved_at, resume_value)
  SELECT s.*
  FROM run, unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::json[], $23::text[],
    $24::text[], $25::json[]) AS s
),
settled AS (
  UPDATE suspensions AS target SET
    status = s.to_status,
    resolved_at = s.resolved_at,
    resume_value = CASE WHEN s.has_resume_value THEN s.resume_value ELSE target.resume_value END
  FROM run, unnest($26::text[], $27::text[], $28::text[], $29::text[], $30::json[], $31::boolean[])
    AS s(suspension_id, from_status, to_status, resolved_at, resume_value, has_resume_value)
  WHERE target.suspension_id = s.suspension_id AND target.run_id = run.run_id AND target.status = s.from_status
  RETURNING target.suspension_id
)
SELECT
  run.last_sequence,
  run.tenant_id,
  (SELECT count(*) FROM settled)::integer AS settled,
  ${withOutbox ? "recorded.count" : "0"} AS deliveries,
  ${withOutbox ? "recorded.subscriptions" : "0"} AS subscriptions,
  CASE WHEN $2::integer > 0 THEN pg_notify('${EVENTS_CHANNEL}', run.run_id || ':' || run.last_sequence) END,${notifyDeliveries}
  CASE WHEN ('status' = ANY($3::text[]) OR $13::boolean)
        AND run.status IN ${CLAIMABLE_SQL} AND run.claim_holder_id IS NULL
    THEN pg_notify('${WORK_CHANNEL}', run.run_id) END
FROM run${withOutbox ? ", recorded" : ""}`;
}

const COMMIT_STEP = {
  withOutbox: { name: "openwop_commit_step", text: commitStepSql(true) },
  withoutOutbox: { name: "openwop_commit_step_no_outbox", text: commitStepSql(false) },
};

/** Read when the step's UPDATE matched nothing, to say which precondition failed (or that the tenant has subscriptions). */
const DIAGNOSIS_COLUMNS = `tenant_id, status, claim_holder_id, claim_epoch, ${NO_SUBSCRIPTION_SQL} AS unsubscribed`;
const DIAGNOSE_SQL = `SELECT ${DIAGNOSIS_COLUMNS} FROM runs WHERE run_id = $1 FOR UPDATE`;
/** The same outside a transaction, where a row lock would end with the statement anyway. */
const DIAGNOSE_UNLOCKED_SQL = `SELECT ${DIAGNOSIS_COLUMNS} FROM runs WHERE run_id = $1`;

interface CommitRow {
  last_sequence: number;
  tenant_id: string;
  settled: number;
  deliveries: number;
  /** How many subscriptions the tenant had (0 without the outbox: it had none). */
  subscriptions: number;
}

/** What a committed step appended, and how many webhook deliveries it recorded with the events. */
export interface CommittedStep {
  events: RunEvent[];
  deliveries: number;
}

interface DiagnosisRow {
  tenant_id: string;
  status: string;
  claim_holder_id: string | null;
  claim_epoch: number;
  unsubscribed: boolean;
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function statementValues(step: RunStep, batch: EventBatch): unknown[] {
  const patch: RunPatch = step.patch ?? {};
  // A key present with the value undefined counts as absent, as it would in JSON.
  const present = RUN_PATCH_FIELDS.filter((field) => patch[field] !== undefined);
  const created = step.createSuspensions ?? [];
  const settles = step.settleSuspensions ?? [];
  return [
    step.runId,
    batch.count,
    present,
    patch.status ?? null,
    jsonOrNull(patch.variables),
    patch.currentNodeId ?? null,
    jsonOrNull(patch.error),
    jsonOrNull(patch.engineState),
    patch.cancelRequested ?? null,
    patch.startedAt ?? null,
    patch.completedAt ?? null,
    patch.updatedAt ?? null,
    step.releaseClaim === true,
    step.fence?.holderId ?? null,
    step.fence?.epoch ?? null,
    step.expectStatus ? [...step.expectStatus] : null,
    created.map((suspension) => suspension.suspensionId),
    created.map((suspension) => suspension.runId),
    created.map((suspension) => suspension.nodeId),
    created.map((suspension) => suspension.kind),
    created.map((suspension) => suspension.status),
    created.map((suspension) => JSON.stringify(suspension.data)),
    created.map((suspension) => suspension.createdAt),
    created.map((suspension) => suspension.resolvedAt),
    created.map((suspension) => jsonOrNull(suspension.resumeValue)),
    settles.map((settle) => settle.suspensionId),
    settles.map((settle) => settle.from),
    settles.map((settle) => settle.to),
    settles.map((settle) => settle.resolvedAt),
    settles.map((settle) => jsonOrNull(settle.resumeValue)),
    settles.map((settle) => settle.resumeValue !== undefined),
    ...batch.columns,
    step.tenantId ?? null,
    batch.dueMs,
  ];
}

/**
 * Why the UPDATE matched no row, checked in the SPI's order of precedence (missing run or
 * another tenant's, lost claim, unexpected status), or null when every precondition holds
 * now: the row changed between the UPDATE and this locking read, and the step can simply
 * run again. (A run's tenant never changes, so a tenant mismatch seen here is the one the
 * UPDATE saw.)
 */
function diagnose(step: RunStep, row: DiagnosisRow | undefined): Error | null {
  if (!row || (step.tenantId !== undefined && row.tenant_id !== step.tenantId)) return new RunNotFoundError(step.runId);
  const fence = step.fence;
  if (fence && (row.claim_holder_id !== fence.holderId || row.claim_epoch !== fence.epoch)) {
    return new ClaimLostError(step.runId, fence.holderId);
  }
  if (step.expectStatus && !(step.expectStatus as readonly string[]).includes(row.status)) {
    return new StorageConflictError(`run $step.runIdis $row.status, not $step.expectStatus.join(" or ")`, "run-status");
  }
  return null;
}

/** One step's statement, in whichever form is tried now (see {@link commitStepSql}). */
class StepStatement {
  #withOutbox: boolean;

  constructor(
    readonly step: RunStep,
    readonly batch: EventBatch,
    withOutbox: boolean,
    readonly routes: OutboxRoutes,
  ) {
    // Without events there is nothing to deliver: the form without the outbox always applies.
    this.#withOutbox = withOutbox && batch.count > 0;
  }

  async run(client: PoolClient, values: unknown[]): Promise<CommitRow | undefined> {
    const statement = this.#withOutbox ? COMMIT_STEP.withOutbox : COMMIT_STEP.withoutOutbox;
    // The form without the outbox takes no due times: a parameter it does not use would have no type.
    const result = await client.query<CommitRow>({
      ...statement,
      values: this.#withOutbox ? values : values.slice(0, -1),
    });
    const row = result.rows[0];
    if (row && this.batch.count > 0) this.routes.learned(this.step.runId, row.tenant_id, row.subscriptions > 0);
    return row;
  }

  /**
   * After the statement matched no row: throws the precondition that failed, or, when the
   * form without the outbox was refused because the tenant has subscriptions, switches to the
   * outbox. Resolves when the statement should simply run again.
   */
  afterMiss(diagnosis: DiagnosisRow | undefined): void {
    const failure = diagnose(this.step, diagnosis);
    if (failure) throw failure;
    if (diagnosis && !diagnosis.unsubscribed && !this.#withOutbox && this.batch.count > 0) {
      this.#withOutbox = true;
      this.routes.learned(this.step.runId, diagnosis.tenant_id, true);
    }
  }
}

async function applyStep(client: PoolClient, statement: StepStatement, values: unknown[]): Promise<CommitRow> {
  // Bounded: after the diagnosing read the row is locked by us, so the second try sees
  // exactly the row the diagnosis saw (and, the form switched if it had to be, applies).
  for (let attempt = 1; attempt <= 2; attempt++) {
    const row = await statement.run(client, values);
    if (row) return row;
    const diagnosis = await client.query<DiagnosisRow>({
      name: "openwop_diagnose_step",
      text: DIAGNOSE_SQL,
      values: [statement.step.runId],
    });
    statement.afterMiss(diagnosis.rows[0]);
  }
  throw new Error(
    `commitStep on run $statement.step.runId: the run row matched the preconditions but the update did not apply`,
  );
}

/** Precondition failures re-diagnosed without a lock before falling back to a transaction. */
const AUTOCOMMIT_ATTEMPTS = 3;

/**
 * The step as a lone statement, outside any transaction: Postgres runs it as its own
 * transaction, so it is as atomic as BEGIN … COMMIT around it, in one round trip instead
 * of three. When the statement matches no row (it then wrote nothing at all: every other
 * part of it hangs off the run row's UPDATE), an unlocked read says which precondition
 * failed; if none does any more, the row changed in between (or the tenant turned out to
 * have subscriptions) and the statement runs again. Resolves to undefined when that keeps
 * happening, for the caller to take the locking path.
 */
async function applyStepAutocommit(
  client: PoolClient,
  statement: StepStatement,
  values: unknown[],
): Promise<CommitRow | undefined> {
  for (let attempt = 1; attempt <= AUTOCOMMIT_ATTEMPTS; attempt++) {
    const row = await statement.run(client, values);
    if (row) return row;
    const diagnosis = await client.query<DiagnosisRow>({
      name: "openwop_diagnose_step_unlocked",
      text: DIAGNOSE_UNLOCKED_SQL,
      values: [statement.step.runId],
    });
    statement.afterMiss(diagnosis.rows[0]);
  }
  return undefined;
}

export async function commitStep(database: Database, routes: OutboxRoutes, step: RunStep): Promise<CommittedStep> {
  const batch = eventBatch(step.events);
  const values = statementValues(step, batch);
  const settleCount = step.settleSuspensions?.length ?? 0;
  const statement = (): StepStatement =>
    new StepStatement(step, batch, routes.expects(step.runId, step.tenantId), routes);
  const committed = (row: CommitRow): CommittedStep => ({
    events: batch.materialise(step.runId, row.last_sequence - batch.count + 1),
    deliveries: row.deliveries,
  });
  // Settling suspensions must roll back when fewer moved than were asked, which needs a
  // transaction around the statement; every other step is the statement alone.
  if (settleCount === 0) {
    const row = await database.autocommit("committing a step", (client) =>
      applyStepAutocommit(client, statement(), values),
    );
    if (row) return committed(row);
  }
  const row = await database.transaction("committing a step", async (client) => {
    const applied = await applyStep(client, statement(), values);
    if (applied.settled !== settleCount) {
      throw new StorageConflictError(
        `run ${step.runId}: ${settleCount - applied.settled} of ${settleCount} suspension transitions found the ` +
          "suspension in another state",
        "suspension-state",
      );
    }
    return applied;
  });
  return committed(row);
}
