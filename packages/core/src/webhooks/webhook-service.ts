import { randomBytes } from "node:crypto";
import type {
  CreatedCursor,
  DeliveryStatus,
  StorageAdapter,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import { validateCreateWebhookRequest, validateDeadLetterReplayRequest } from "@openwop/schema";
import { DELIVERY_STATUS_VALUES, type RunEvent } from "@openwop/types";
import { notFound, ProtocolError, validationError } from "../errors.js";
import { refuseOtherTenant } from "../keys/credential-refused.js";
import { requireInstant } from "../instant.js";
import { checkedBody } from "../validation.js";
import { decodeFeedCursor, encodeFeedCursor } from "./feed-cursor.js";
import type { SecretBox } from "./secret-box.js";
import { generateWebhookSecret, secretFingerprint, standardWebhooksKey } from "./signing.js";
import { checkWebhookUrl, resolveWebhookAddresses, WebhookUrlRejectedError } from "./url-safety.js";

export interface WebhookServiceOptions {
  box: SecretBox;
  /** Admit private and loopback receivers (webhooks.md §4.3). */
  allowPrivate: boolean;
  /** How long events are kept: an older feed cursor is expired (410). */
  retentionMs: number;
  now: () => number;
}

/** A subscription just registered, and its secret — which exists in the clear only here. */
export interface Subscribed {
  record: WebhookSubscriptionRecord;
  secret: string;
}

/** One page of records and where the next one starts. */
export interface Page<T> {
  items: T[];
  next: CreatedCursor | null;
}

/** One page of the tenant event feed (webhooks.md §15). */
export interface FeedPage {
  entries: Array<{ cursor: string; event: RunEvent }>;
  nextCursor: string | null;
}

const subscriptionMissing = (webhookId: string): ProtocolError =>
  new ProtocolError("subscription_not_found", `webhook ${webhookId} does not exist`);

/**
 * Webhook subscriptions, their deliveries, and the tenant event feed (webhooks.md §2–§3,
 * §12–§15), over any storage, within the caller's tenant. Attempts are the dispatcher's.
 */
export class WebhookService {
  readonly #store: StorageAdapter;
  readonly #options: WebhookServiceOptions;

  constructor(store: StorageAdapter, options: WebhookServiceOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** `POST /v1/webhooks`: checks the URL (§4.1, its name resolved), keeps the secret sealed. */
  async subscribe(tenantId: string, keyPrefix: string | null, body: unknown): Promise<Subscribed> {
    refuseOtherTenant(tenantId, body, keyPrefix);
    const request = checkedBody(validateCreateWebhookRequest, body, "request body", "url");
    const policy = { allowPrivate: this.#options.allowPrivate };
    try {
      await resolveWebhookAddresses(checkWebhookUrl(request.url, policy), policy);
    } catch (error) {
      if (!(error instanceof WebhookUrlRejectedError)) throw error;
      throw new ProtocolError("webhook_url_rejected", `the webhook URL is refused: ${error.message}`, {
        field: "url",
        reason: error.reason,
      });
    }
    const signature = request.signature ?? "v1";
    if (signature === "standard-webhooks" && request.secret !== undefined) {
      try {
        standardWebhooksKey(request.secret);
      } catch (error) {
        throw validationError(error instanceof Error ? error.message : String(error), { field: "secret" });
      }
    }
    const secret = request.secret ?? generateWebhookSecret(signature);
    const at = new Date(this.#options.now()).toISOString();
    const record: WebhookSubscriptionRecord = {
      webhookId: `wh_${randomBytes(12).toString("base64url")}`,
      tenantId,
      url: request.url,
      events: [...request.events],
      tags: [...(request.tags ?? [])],
      signature,
      sealedSecret: this.#options.box.seal(secret),
      secretFingerprint: secretFingerprint(secret),
      status: "active",
      consecutiveFailures: 0,
      circuitOpenUntil: null,
      windowFailures: 0,
      failureWindowStartedAt: at,
      createdAt: at,
      updatedAt: at,
    };
    await this.#store.createSubscription(record);
    return { record, secret };
  }

  /** The secret of a subscription, for the replay of its idempotent registration (webhooks.md §12.4). */
  async secretOf(tenantId: string, webhookId: string): Promise<string> {
    return this.#options.box.open((await this.get(tenantId, webhookId)).sealedSecret);
  }

  async list(tenantId: string, limit: number, after?: CreatedCursor): Promise<Page<WebhookSubscriptionRecord>> {
    const rows = await this.#store.listSubscriptions(tenantId, { limit: limit + 1, ...(after ? { after } : {}) });
    return pageOf(rows, limit, (row) => ({ createdAt: row.createdAt, id: row.webhookId }));
  }

  async get(tenantId: string, webhookId: string): Promise<WebhookSubscriptionRecord> {
    const record = await this.#store.getSubscription(tenantId, webhookId);
    if (!record) throw subscriptionMissing(webhookId);
    return record;
  }

  async remove(tenantId: string, webhookId: string): Promise<void> {
    if (!(await this.#store.deleteSubscription(tenantId, webhookId))) throw subscriptionMissing(webhookId);
  }

  async setStatus(
    tenantId: string,
    webhookId: string,
    status: "active" | "paused",
  ): Promise<WebhookSubscriptionRecord> {
    const record = await this.#store.setSubscriptionStatus(
      tenantId,
      webhookId,
      status,
      new Date(this.#options.now()).toISOString(),
    );
    if (!record) throw subscriptionMissing(webhookId);
    return record;
  }

  /** `GET .../deliveries`: newest first; an unknown subscription is 404 subscription_not_found. */
  async deliveries(
    tenantId: string,
    webhookId: string,
    filter: { status?: string; runId?: string; eventType?: string; limit: number; after?: CreatedCursor },
  ): Promise<Page<WebhookDeliveryRecord>> {
    await this.get(tenantId, webhookId);
    if (filter.status !== undefined && !(DELIVERY_STATUS_VALUES as readonly string[]).includes(filter.status)) {
      throw validationError(`status must be one of ${DELIVERY_STATUS_VALUES.join(", ")}`, {
        field: "status",
        supported: [...DELIVERY_STATUS_VALUES],
      });
    }
    const { status, ...rest } = filter;
    const rows = await this.#store.listDeliveries(tenantId, webhookId, {
      ...rest,
      ...(status === undefined ? {} : { status: status as DeliveryStatus }),
      limit: filter.limit + 1,
    });
    return pageOf(rows, filter.limit, (row) => ({ createdAt: row.createdAt, id: row.deliveryId }));
  }

  async delivery(
    tenantId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] }> {
    await this.get(tenantId, webhookId);
    const found = await this.#store.getDelivery(tenantId, webhookId, deliveryId);
    if (!found) throw notFound(`delivery ${deliveryId} does not exist`);
    return found;
  }

  /** One more delivery of that event now, with a fresh budget (webhooks.md §14.3). */
  async replay(tenantId: string, webhookId: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    await this.get(tenantId, webhookId);
    const replayed = await this.#store.replayDelivery(
      tenantId,
      webhookId,
      deliveryId,
      new Date(this.#options.now()).toISOString(),
    );
    if (!replayed) throw notFound(`delivery ${deliveryId} does not exist`);
    return replayed;
  }

  /** Dead letters back to pending, oldest first, at most `limit` (webhooks.md §14.4). */
  async replayDeadLetters(tenantId: string, webhookId: string, body: unknown): Promise<number> {
    await this.get(tenantId, webhookId);
    const request = checkedBody(validateDeadLetterReplayRequest, body === undefined ? {} : body, "request body");
    return this.#store.replayDeadLetters(
      tenantId,
      webhookId,
      {
        limit: request.limit ?? 100,
        ...(request.since === undefined
          ? {}
          : { since: new Date(requireInstant(request.since, "since")).toISOString() }),
        ...(request.until === undefined
          ? {}
          : { until: new Date(requireInstant(request.until, "until")).toISOString() }),
        ...(request.eventTypes === undefined ? {} : { eventTypes: request.eventTypes }),
      },
      new Date(this.#options.now()).toISOString(),
    );
  }

  /** `GET /v1/events`: the tenant's events after `after`, each with its cursor (webhooks.md §15). */
  async feed(
    tenantId: string,
    options: { after?: string; types?: readonly string[]; limit: number },
  ): Promise<FeedPage> {
    const after =
      options.after === undefined
        ? undefined
        : decodeFeedCursor(options.after, this.#options.now() - this.#options.retentionMs);
    const rows = await this.#store.readFeed(tenantId, {
      limit: options.limit,
      ...(after === undefined ? {} : { after }),
      ...(options.types ? { types: options.types } : {}),
    });
    const entries = rows.map((row) => ({
      cursor: encodeFeedCursor(row.position, row.event.timestamp),
      event: row.event,
    }));
    return { entries, nextCursor: entries.at(-1)?.cursor ?? options.after ?? null };
  }

  /** Resolves once the feed may have something new, or after `ms`. */
  waitForFeed(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unwatch();
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unwatch = this.#store.watchFeed(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** The first `limit` rows (asked for one more than that) and where the next page starts. */
function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => CreatedCursor): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
