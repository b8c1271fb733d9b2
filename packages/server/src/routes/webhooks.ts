import type { Context, Hono } from "hono";
import { encodeFeedCursor, runIdempotently, validationError, type Page } from "@openwop/core";
import type {
  CreatedCursor,
  JsonObject,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookSubscriptionRecord,
} from "@openwop/storage";
import type {
  CreatedWebhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookSubscription,
  WebhookSubscriptionList,
} from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import { readJsonBody } from "../body.js";
import type { AppEnv, ServerContext } from "../context.js";
import { idempotencyKeyOf, sendAnswer } from "../idempotency.js";
import { routeOf } from "../route-of.js";
import { decodeCreatedCursor, encodeCreatedCursor } from "./created-cursor.js";
import { parseBoundedInteger } from "./cursor.js";
import { pathParam } from "./params.js";

/** A subscription as the wire shows it (webhooks.md §12.2): never its secret. */
function subscriptionOf(record: WebhookSubscriptionRecord, now: number): WebhookSubscription {
  const openUntil = record.circuitOpenUntil;
  return {
    webhookId: record.webhookId,
    url: record.url,
    // Stored only from a validated request, whose `events` has at least one type.
    events: [...record.events] as WebhookSubscription["events"],
    tags: [...record.tags],
    signature: record.signature,
    secretFingerprint: record.secretFingerprint,
    status: record.status,
    circuit: {
      open: openUntil !== null && Date.parse(openUntil) > now,
      openUntil,
      consecutiveFailures: record.consecutiveFailures,
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function attemptOf(attempt: WebhookAttemptRecord): WebhookAttempt {
  return {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    address: attempt.address,
    statusCode: attempt.statusCode,
    latencyMs: attempt.latencyMs,
    error: attempt.error,
    responseExcerpt: attempt.responseExcerpt,
  };
}

/** A delivery as the wire shows it (webhooks.md §14). */
function deliveryOf(record: WebhookDeliveryRecord, attempts?: WebhookAttemptRecord[]): WebhookDelivery {
  return {
    deliveryId: record.deliveryId,
    webhookId: record.webhookId,
    runId: record.runId,
    sequence: record.sequence,
    eventType: record.eventType,
    cursor: encodeFeedCursor(record.feedPosition, record.createdAt),
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.nextAttemptAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deliveredAt: record.deliveredAt,
    lastError: record.lastError,
    ...(attempts ? { attemptLog: attempts.map(attemptOf) } : {}),
  };
}

const nextOf = <T>(page: Page<T>): string | null => (page.next ? encodeCreatedCursor(page.next) : null);

/**
 * Webhook subscriptions (webhooks.md §2, §3, §12) and their deliveries (§14), under
 * `webhooks:manage`, within the caller's tenant.
 */
export function registerWebhookRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  const webhooks = ctx.engine.webhooks;
  const manage = authorize(ctx, "webhooks:manage");
  const tenantOf = (c: Context<AppEnv>): string => c.get("principal").tenantId;

  app.post("/v1/webhooks", manage, async (c) => {
    const principal = c.get("principal");
    const body = await readJsonBody(c, ctx.settings);
    if (body === undefined) throw validationError("request body is required", { field: "body" });
    // The stored answer holds no secret; every answer, first or replayed, adds it from the subscription.
    const register = async () => {
      const { record } = await webhooks.subscribe(principal.tenantId, principal.label, body);
      const answer: Omit<CreatedWebhook, "secret"> = {
        ...subscriptionOf(record, ctx.engine.now()),
        subscriptionId: record.webhookId,
      };
      return { status: 201, headers: {}, body: answer as JsonObject };
    };
    const key = idempotencyKeyOf(c);
    const outcome =
      key === undefined
        ? { replayed: false, response: await register() }
        : await runIdempotently(
            ctx.engine.store,
            { tenantId: principal.tenantId, endpoint: routeOf(c), key, body },
            { leaseMs: 30_000, waitMs: ctx.settings.idempotencyWaitMs, now: ctx.engine.now },
            register,
          );
    const webhookId = (outcome.response.body as { webhookId?: unknown }).webhookId;
    if (outcome.response.status !== 201 || typeof webhookId !== "string") {
      return sendAnswer(c, outcome.response, outcome.replayed);
    }
    const secret = await webhooks.secretOf(principal.tenantId, webhookId);
    c.header("Cache-Control", "no-store");
    return sendAnswer(
      c,
      { ...outcome.response, body: { ...(outcome.response.body as JsonObject), secret } },
      outcome.replayed,
    );
  });

  app.get("/v1/webhooks", manage, async (c) => {
    const limit = parseBoundedInteger(c.req.query("limit"), "limit", 1, 100, 50);
    const page = await webhooks.list(tenantOf(c), limit, decodeCreatedCursor(c.req.query("cursor")));
    const now = ctx.engine.now();
    const body: WebhookSubscriptionList = {
      webhooks: page.items.map((record) => subscriptionOf(record, now)),
      nextCursor: nextOf(page),
    };
    return c.json(body);
  });

  app.get("/v1/webhooks/:webhookId", manage, async (c) =>
    c.json(subscriptionOf(await webhooks.get(tenantOf(c), pathParam(c, "webhookId")), ctx.engine.now())),
  );

  app.delete("/v1/webhooks/:webhookId", manage, async (c) => {
    await webhooks.remove(tenantOf(c), pathParam(c, "webhookId"));
    return c.body(null, 204);
  });

  for (const [action, status] of [
    ["pause", "paused"],
    ["resume", "active"],
  ] as const) {
    app.post(`/v1/webhooks/:webhookId/${action}`, manage, async (c) => {
      const record = await webhooks.setStatus(tenantOf(c), pathParam(c, "webhookId"), status);
      if (status === "active") ctx.engine.dispatcher.poke();
      return c.json(subscriptionOf(record, ctx.engine.now()));
    });
  }

  app.get("/v1/webhooks/:webhookId/deliveries", manage, async (c) => {
    const after: CreatedCursor | undefined = decodeCreatedCursor(c.req.query("cursor"));
    const page = await webhooks.deliveries(tenantOf(c), pathParam(c, "webhookId"), {
      limit: parseBoundedInteger(c.req.query("limit"), "limit", 1, 100, 50),
      ...optional("status", c.req.query("status")),
      ...optional("runId", c.req.query("runId")),
      ...optional("eventType", c.req.query("eventType")),
      ...(after ? { after } : {}),
    });
    const body: WebhookDeliveryList = {
      deliveries: page.items.map((record) => deliveryOf(record)),
      nextCursor: nextOf(page),
    };
    return c.json(body);
  });

  app.get("/v1/webhooks/:webhookId/deliveries/:deliveryId", manage, async (c) => {
    const found = await webhooks.delivery(tenantOf(c), pathParam(c, "webhookId"), pathParam(c, "deliveryId"));
    return c.json(deliveryOf(found.delivery, found.attempts));
  });

  app.post("/v1/webhooks/:webhookId/deliveries/:deliveryId/replay", manage, async (c) => {
    const replayed = await webhooks.replay(tenantOf(c), pathParam(c, "webhookId"), pathParam(c, "deliveryId"));
    ctx.engine.dispatcher.poke();
    return c.json(deliveryOf(replayed), 202);
  });

  app.post("/v1/webhooks/:webhookId/dead-letters/replay", manage, async (c) => {
    const requeued = await webhooks.replayDeadLetters(
      tenantOf(c),
      pathParam(c, "webhookId"),
      await readJsonBody(c, ctx.settings),
    );
    ctx.engine.dispatcher.poke();
    return c.json({ requeued }, 202);
  });
}

/** `{[name]: value}` when the query parameter was given, `{}` otherwise. */
function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}
