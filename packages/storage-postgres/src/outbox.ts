/**
 * The outbox, as CTEs for the statement that appends events (commit-step.ts, create-run.ts):
 * one delivery per appended event and subscription of the run's tenant whose `events` contain
 * the event's type and whose `tags` are empty or meet the run's (webhooks.md §11, §13.1).
 * Being part of that statement, it commits exactly when the events do, and a failed step
 * records nothing.
 *
 * The statement must define the CTEs `run` (returning `run_id`, `tenant_id`, `tags` as json
 * and `feed_xid`) and `appended` (returning `sequence`, `type`, `occurred_at` and `feed_id`).
 * These define `subscribed`, `outbox`, and `recorded`: one row whose `count` says how many
 * deliveries were written and `subscriptions` how many subscriptions the tenant has. When the
 * tenant has none, `subscribed` is one probe of `webhooks_by_tenant` that finds nothing; the
 * run's tags are only unpacked for a subscription that has tags.
 */
export function outboxSql(parts: {
  /** How many events the statement appends. */
  count: string;
  /** The sequence of the first appended event. */
  firstSequence: string;
  /** Each event's due time, epoch milliseconds, in event order (a bigint[] parameter). */
  dueMs: string;
}): string {
  return `subscribed AS (
  SELECT w.webhook_id, w.events
  FROM run JOIN webhooks AS w ON w.tenant_id = run.tenant_id
  WHERE ${parts.count} > 0
    AND (cardinality(w.tags) = 0 OR w.tags && ARRAY(SELECT json_array_elements_text(run.tags)))
),
outbox AS (
  INSERT INTO webhook_deliveries (delivery_id, webhook_id, tenant_id, run_id, sequence, event_type, feed_xid, feed_id,
    status, attempts, total_attempts, next_attempt_at, due_ms, created_at, updated_at)
  SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), s.webhook_id, run.tenant_id, run.run_id, a.sequence,
    a.type, run.feed_xid, a.feed_id, 'pending', 0, 0, a.occurred_at,
    (${parts.dueMs})[a.sequence - (${parts.firstSequence}) + 1], a.occurred_at, a.occurred_at
  FROM run, subscribed AS s, appended AS a
  WHERE a.type = ANY (s.events)
  RETURNING 1
),
recorded AS (
  SELECT (SELECT count(*) FROM outbox)::integer AS count, (SELECT count(*) FROM subscribed)::integer AS subscriptions
)`;
}

/**
 * The guard of the statements without the outbox: the run's tenant (of the row `runs` in the
 * statement) has no subscription. Read in the statement's snapshot, as the outbox would be.
 */
export const NO_SUBSCRIPTION_SQL = "NOT EXISTS (SELECT 1 FROM webhooks AS w WHERE w.tenant_id = runs.tenant_id)";

/** How many runs of subscribed tenants {@link OutboxRoutes} remembers. */
const REMEMBERED_RUNS = 10_000;

/**
 * Which form of the appending statements to try first: with the outbox for a tenant last
 * seen with subscriptions, without it otherwise. Only a guess, learned from what the
 * statements report (another process may add or remove subscriptions at any time): a wrong
 * guess costs a statement that writes nothing and a read, never a missed delivery, because
 * the form without the outbox refuses to apply while the tenant has a subscription.
 *
 * A step names its run, not always its tenant, so the runs of subscribed tenants are
 * remembered too (the most recent {@link REMEMBERED_RUNS}).
 */
export class OutboxRoutes {
  readonly #subscribedTenants = new Set<string>();
  readonly #tenantOfRun = new Map<string, string>();

  /** Whether to try the outbox first for a step of `runId` (of `tenantId`, when the caller knows it). */
  expects(runId: string, tenantId?: string): boolean {
    const tenant = tenantId ?? this.#tenantOfRun.get(runId);
    return tenant !== undefined && this.#subscribedTenants.has(tenant);
  }

  /** What a statement found out about the run's tenant. */
  learned(runId: string, tenantId: string, subscribed: boolean): void {
    if (!subscribed) {
      this.#subscribedTenants.delete(tenantId);
      this.#tenantOfRun.delete(runId);
      return;
    }
    this.#subscribedTenants.add(tenantId);
    this.#tenantOfRun.delete(runId);
    this.#tenantOfRun.set(runId, tenantId);
    if (this.#tenantOfRun.size > REMEMBERED_RUNS) {
      const oldest = this.#tenantOfRun.keys().next().value;
      if (oldest !== undefined) this.#tenantOfRun.delete(oldest);
    }
  }

  forget(runId: string): void {
    this.#tenantOfRun.delete(runId);
  }
}
