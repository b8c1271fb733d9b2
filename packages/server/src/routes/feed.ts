import type { Hono } from "hono";
import { validationError } from "@openwop/core";
import { schemas } from "@openwop/schema";
import type { EventFeedPage } from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import type { AppEnv, ServerContext } from "../context.js";
import { parseBoundedInteger } from "./cursor.js";

/**
 * What an event type looks like and how many a filter names: exactly as a subscription's
 * `events` (create-webhook-request.schema.json), read from the schema so the two never differ.
 */
const EVENTS_RULE = (() => {
  const events = (schemas["create-webhook-request"].properties as { events?: unknown } | undefined)?.events as
    | { maxItems?: unknown; items?: { pattern?: unknown; maxLength?: unknown } }
    | undefined;
  const { pattern, maxLength } = events?.items ?? {};
  const maxItems = events?.maxItems;
  if (typeof pattern !== "string" || typeof maxLength !== "number" || typeof maxItems !== "number") {
    throw new Error("create-webhook-request.schema.json no longer describes events as this route reads them");
  }
  return { eventType: new RegExp(pattern), maxLength, maxItems };
})();
const MAX_TYPES = EVENTS_RULE.maxItems;

/** `types=a,b`: each an event type's shape, at most 100; absent → every type. */
function parseTypes(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === "") return undefined;
  const types = raw.split(",").map((type) => type.trim());
  const bad = types.find((type) => type.length > EVENTS_RULE.maxLength || !EVENTS_RULE.eventType.test(type));
  if (bad !== undefined || types.length > MAX_TYPES) {
    throw validationError(`types is a comma-separated list of at most ${MAX_TYPES} event types`, {
      field: "types",
      ...(bad === undefined ? {} : { value: bad.slice(0, EVENTS_RULE.maxLength) }),
    });
  }
  return types;
}

/**
 * The tenant event feed (webhooks.md §15): every event of the caller's tenant, across runs,
 * after a cursor — how a receiver that lost its state catches up. With `wait`, an empty page
 * is held until an event arrives or the time is up.
 */
export function registerFeedRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/v1/events", authorize(ctx, "runs:read"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const after = c.req.query("after") || undefined;
    const types = parseTypes(c.req.query("types"));
    const limit = parseBoundedInteger(c.req.query("limit"), "limit", 1, 1000, 100);
    const waitSeconds = parseBoundedInteger(c.req.query("wait"), "wait", 0, 60, 0);
    const read = () =>
      ctx.engine.webhooks.feed(tenantId, { limit, ...(after ? { after } : {}), ...(types ? { types } : {}) });
    let page = await read();
    const deadline = Date.now() + waitSeconds * 1000;
    // Notifications say only that something changed somewhere; read until this tenant has news.
    while (page.entries.length === 0 && Date.now() < deadline && !c.req.raw.signal.aborted) {
      await ctx.engine.webhooks.waitForFeed(deadline - Date.now(), c.req.raw.signal);
      page = await read();
    }
    const body: EventFeedPage = { events: page.entries, nextCursor: page.nextCursor };
    return c.json(body);
  });
}
