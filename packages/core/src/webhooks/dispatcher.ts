import type {
  AttemptOutcome,
  RunEvent,
  StorageAdapter,
  Unsubscribe,
  WebhookDeliveryRecord,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import { type DeliveryPolicy, retryDelayMs } from "./delivery-policy.js";
import { encodeFeedCursor } from "./feed-cursor.js";
import { ReceiverAgents } from "./receiver-agents.js";
import { postWebhook } from "./safe-post.js";
import type { SecretBox } from "./secret-box.js";
import { deliveryHeaders } from "./signing.js";

/**
 * An attempt that failed before any request was made, recorded like any failed attempt so
 * the operator sees why: a secret sealed under another key, say.
 */
function unsent(reason: string) {
  return {
    delivered: false,
    statusCode: null,
    address: null,
    latencyMs: 0,
    error: reason,
    responseExcerpt: null,
  } as const;
}

/** The run was removed with its log (retention) before the event was delivered: nothing to retry. */
const MISSING_EVENT = unsent("the event is no longer in the run's log");

/** Receivers remembered at most (see {@link WebhookDispatcher}'s receiver cache). */
const MAX_RECEIVERS = 1024;

/** What an attempt needs of its subscription; none of it ever changes after registration. */
type Receiver = Pick<WebhookSubscriptionRecord, "webhookId" | "url" | "signature" | "sealedSecret">;

/** How often the dispatcher looks for due deliveries without being told (a retry's time coming, say). */
const SCAN_INTERVAL_MS = 250;

/** One attempt as the metrics see it. */
export interface DeliveryAttempted {
  outcome: "delivered" | "failed" | "dead_lettered";
  latencyMs: number;
}

export interface DispatcherOptions {
  store: StorageAdapter;
  box: SecretBox;
  policy: DeliveryPolicy;
  /** This process's lease holder id. */
  holderId: string;
  /** Admit private and loopback receivers (webhooks.md §4.3); never in production. */
  allowPrivate: boolean;
  /** `openwop-webhook-dispatcher/<version>`. */
  userAgent: string;
  now: () => number;
  onAttempt?: (attempt: DeliveryAttempted) => void;
  onError?: (error: unknown, context: string) => void;
}

/**
 * Attempts due webhook deliveries (webhooks.md §13): it claims them from storage under a
 * lease, so every process of a host shares the work and a killed process's deliveries are
 * taken by the others when its leases end; it posts each through the URL-safe client, and
 * records every attempt with its outcome — delivered, retried after a jittered backoff, or
 * dead-lettered. It learns of new work from the store's delivery notifications and from a
 * short periodic scan, which also catches retries coming due.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #agents = new ReceiverAgents();
  /**
   * Subscriptions' URLs, schemes and sealed secrets by tenant and id. They are fixed at
   * registration (no route changes them), and a claim only returns deliveries of an existing,
   * active subscription, so a remembered one saves a read per attempt without going stale.
   */
  readonly #receivers = new Map<string, Receiver>();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #unwatch: Unsubscribe | undefined;
  #pumping = false;
  #again = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** How this dispatcher retries, as discovery advertises it. */
  get policy(): Readonly<DeliveryPolicy> {
    return this.#options.policy;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unwatch = this.#options.store.watchDeliveries(() => this.poke());
    this.#timer = setInterval(() => this.poke(), SCAN_INTERVAL_MS);
    this.#timer.unref();
    this.poke();
  }

  /** Stops claiming, lets attempts in flight finish, and hands unfinished leases back. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#timer);
    this.#unwatch?.();
    await Promise.allSettled([...this.#inFlight]);
    this.#agents.destroy();
    await this.#options.store
      .releaseDeliveries(this.#options.holderId)
      .catch((error: unknown) => this.#options.onError?.(error, "releasing webhook deliveries"));
  }

  /** Looks for due deliveries now. */
  poke(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void this.#pump().finally(() => {
      this.#pumping = false;
      if (this.#again) {
        this.#again = false;
        this.poke();
      }
    });
  }

  async #pump(): Promise<void> {
    const { store, policy, holderId, now } = this.#options;
    // Under load, claim in batches of a quarter of the slots rather than one claim per freed slot.
    const refillAt = Math.max(1, Math.floor(policy.concurrency / 4));
    while (this.#running) {
      const free = policy.concurrency - this.#inFlight.size;
      if (free <= 0 || (this.#inFlight.size > 0 && free < refillAt)) return;
      let claimed: WebhookDeliveryRecord[];
      try {
        claimed = await store.claimDueDeliveries(holderId, now(), policy.leaseMs, free);
      } catch (error) {
        this.#options.onError?.(error, "claiming webhook deliveries");
        return;
      }
      for (const delivery of claimed) {
        const attempt = this.#attempt(delivery)
          .catch((error: unknown) => this.#options.onError?.(error, `webhook delivery ${delivery.deliveryId}`))
          .finally(() => {
            this.#inFlight.delete(attempt);
            // A slot is free: there may be more due.
            this.poke();
          });
        this.#inFlight.add(attempt);
      }
      if (claimed.length < free) return;
    }
  }

  async #attempt(delivery: WebhookDeliveryRecord): Promise<void> {
    const { store, policy, now } = this.#options;
    const subscription = await this.#receiverOf(delivery);
    // Removed meanwhile: its deliveries went with it, and nothing is left to record.
    if (!subscription) return;
    const startedAt = now();
    const [event] = await store.readEvents(delivery.runId, {
      fromSequence: delivery.sequence,
      limit: 1,
      tenantId: delivery.tenantId,
    });
    const response =
      event === undefined || event.sequence !== delivery.sequence
        ? MISSING_EVENT
        : await this.#post(subscription, delivery, event).catch((error: unknown) =>
            unsent(error instanceof Error ? error.message : String(error)),
          );
    const failedAttempts = delivery.attempts + 1;
    const result: AttemptOutcome["result"] = response.delivered
      ? { kind: "delivered" }
      : failedAttempts >= policy.maxAttempts || response === MISSING_EVENT
        ? { kind: "dead_letter" }
        : { kind: "retry", nextAttemptAt: new Date(now() + retryDelayMs(policy, failedAttempts)).toISOString() };
    const at = now();
    await store.recordAttempt({
      deliveryId: delivery.deliveryId,
      holderId: this.#options.holderId,
      attempt: {
        startedAt: new Date(startedAt).toISOString(),
        address: response.address,
        statusCode: response.statusCode,
        latencyMs: response.latencyMs,
        error: response.error,
        responseExcerpt: response.responseExcerpt,
      },
      result,
      circuit: {
        openAfterFailures: policy.circuitFailures,
        openUntil: new Date(at + policy.circuitOpenMs).toISOString(),
      },
      failureBudget: { failures: policy.failureBudget, windowMs: policy.failureWindowMs },
      now: new Date(at).toISOString(),
    });
    this.#options.onAttempt?.({
      outcome: result.kind === "delivered" ? "delivered" : result.kind === "retry" ? "failed" : "dead_lettered",
      latencyMs: response.latencyMs,
    });
  }

  async #receiverOf(delivery: WebhookDeliveryRecord): Promise<Receiver | null> {
    const key = `${delivery.tenantId}\u0000${delivery.webhookId}`;
    const known = this.#receivers.get(key);
    if (known) return known;
    const found = await this.#options.store.getSubscription(delivery.tenantId, delivery.webhookId);
    if (!found) return null;
    const receiver: Receiver = {
      webhookId: found.webhookId,
      url: found.url,
      signature: found.signature,
      sealedSecret: found.sealedSecret,
    };
    this.#receivers.set(key, receiver);
    if (this.#receivers.size > MAX_RECEIVERS) this.#receivers.delete(this.#receivers.keys().next().value as string);
    return receiver;
  }

  /** One signed POST of the event to the subscription (webhooks.md §5, §6, §13.4, §13.5). */
  async #post(subscription: Receiver, delivery: WebhookDeliveryRecord, event: RunEvent) {
    const body = JSON.stringify({ runId: delivery.runId, workspaceId: delivery.tenantId, event });
    const headers = deliveryHeaders({
      webhookId: subscription.webhookId,
      deliveryId: delivery.deliveryId,
      eventType: delivery.eventType,
      cursor: encodeFeedCursor(delivery.feedPosition, delivery.createdAt),
      timestampSeconds: Math.floor(this.#options.now() / 1000),
      signatureScheme: subscription.signature,
      secret: this.#options.box.open(subscription.sealedSecret),
      rawBody: body,
      userAgent: this.#options.userAgent,
    });
    return postWebhook(
      { url: subscription.url, headers, body, timeoutMs: this.#options.policy.timeoutMs },
      { allowPrivate: this.#options.allowPrivate },
      { agents: this.#agents },
    );
  }
}
