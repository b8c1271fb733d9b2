import type { Context, Hono } from "hono";
import { keyStatus, notFound, requireInstant, validationError, type IssuedKey, type RotatedKey } from "@openwop/core";
import type { ApiKeyRecord } from "@openwop/storage";
import type { ApiKey, ApiKeyList, AuthFailureSummary, IssuedApiKey } from "@openwop/types";
import { authorize } from "../auth-middleware.js";
import { readJsonBody } from "../body.js";
import type { AppEnv, ServerContext } from "../context.js";
import { decodeCreatedCursor, encodeCreatedCursor } from "./created-cursor.js";
import { parseBoundedInteger } from "./cursor.js";
import { pathParam } from "./params.js";

/** A key's metadata as the wire shows it (auth.md §10.2): never the secret, never the digest. */
function metadataOf(key: ApiKeyRecord, now: number): ApiKey {
  return {
    keyId: key.keyId,
    prefix: key.prefix,
    tenant: key.tenantId,
    label: key.label,
    scopes: [...key.scopes],
    kind: key.kind,
    origin: key.origin,
    status: keyStatus(key, now),
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    rotatedAt: key.rotatedAt,
    revokedAt: key.revokedAt,
    replacedBy: key.replacedBy,
    replaces: key.replaces,
  };
}

/** The one answer that carries a secret: never cached anywhere on its way (auth.md §10.3). */
function issuedAnswer(c: Context<AppEnv>, issued: IssuedKey | RotatedKey): Response {
  const { record } = issued;
  const body: IssuedApiKey = {
    keyId: record.keyId,
    key: issued.key,
    prefix: record.prefix,
    tenant: record.tenantId,
    label: record.label,
    scopes: [...record.scopes],
    kind: record.kind,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...("replaces" in issued ? { replaces: issued.replaces, graceUntil: issued.graceUntil } : {}),
  };
  c.header("Cache-Control", "no-store");
  return c.json(body, 201);
}

function sinceOf(raw: string | undefined, now: number): number {
  if (raw === undefined) return now - 86_400_000;
  return requireInstant(raw, "since");
}

/** Key management (auth.md §10): every route acts within the caller's tenant. */
export function registerKeyRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  const keys = ctx.engine.keys;

  app.post("/v1/keys", authorize(ctx, "keys:manage"), async (c) => {
    const body = await readJsonBody(c, ctx.settings);
    if (body === undefined) throw validationError("request body is required", { field: "body" });
    return issuedAnswer(c, await keys.issue(c.get("principal"), body));
  });

  app.get("/v1/keys", authorize(ctx, "keys:manage"), async (c) => {
    const limit = parseBoundedInteger(c.req.query("limit"), "limit", 1, 100, 50);
    const after = decodeCreatedCursor(c.req.query("cursor"));
    const page = await keys.list(
      c.get("principal").tenantId,
      limit,
      after && { createdAt: after.createdAt, keyId: after.id },
    );
    const now = ctx.engine.now();
    const body: ApiKeyList = {
      keys: page.keys.map((key) => metadataOf(key, now)),
      nextCursor: page.next ? encodeCreatedCursor({ createdAt: page.next.createdAt, id: page.next.keyId }) : null,
    };
    return c.json(body);
  });

  // Before /v1/keys/:keyId, so these words are never read as key ids.
  app.get("/v1/keys/self", authorize(ctx, null), (c) => {
    const key = c.get("apiKey");
    if (!key) throw notFound("this credential is not one of the host's keys");
    return c.json(metadataOf(key, ctx.engine.now()));
  });

  app.get("/v1/keys/failures", authorize(ctx, "keys:manage"), async (c) => {
    const now = ctx.engine.now();
    const since = sinceOf(c.req.query("since"), now);
    const summary = await keys.failures(c.get("principal").tenantId, since);
    const body: AuthFailureSummary = {
      since: summary.since,
      failures: summary.failures.map(({ tenantId: _tenant, ...group }) => group),
    };
    return c.json(body);
  });

  app.get("/v1/keys/:keyId", authorize(ctx, "keys:manage"), async (c) => {
    const key = await keys.get(c.get("principal").tenantId, pathParam(c, "keyId"));
    return c.json(metadataOf(key, ctx.engine.now()));
  });

  app.post("/v1/keys/:keyId/rotate", authorize(ctx, "keys:manage"), async (c) => {
    const body = await readJsonBody(c, ctx.settings);
    return issuedAnswer(c, await keys.rotate(c.get("principal"), pathParam(c, "keyId"), body));
  });

  app.delete("/v1/keys/:keyId", authorize(ctx, "keys:manage"), async (c) => {
    await keys.revoke(c.get("principal").tenantId, pathParam(c, "keyId"));
    return c.body(null, 204);
  });
}
