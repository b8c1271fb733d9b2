import type { Hono } from "hono";
import { ProtocolError } from "@openwop/core";
import type { AppEnv, ServerContext } from "../context.js";
import { authorize } from "../auth-middleware.js";
import { pathParam } from "./params.js";

/** The force-expire seam's path (production profile §5); host manifests advertise it with `{runId}`. */
export const FORCE_EXPIRE_PATH = "/v1/host/test/expire/{runId}";

/**
 * Host-private test seams, registered only when the host was started with
 * `testForceExpire` (never in production). They are not part of the protocol, so they are
 * absent from the OpenAPI document; while disabled their paths are unknown paths (404).
 *
 * `POST /v1/host/test/expire/{runId}` removes one finished run of the caller's tenant at once,
 * through the same storage operation and tombstone as the retention sweep, so conformance can
 * witness the `410 run_expired` answers without waiting seven days. Any request body is
 * ignored (the conformance runner sends `{}`).
 */
export function registerTestSeamRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.post(FORCE_EXPIRE_PATH.replace("{runId}", ":runId"), authorize(ctx, null), async (c) => {
    const principal = c.get("principal");
    // A seam that destroys history is for test keys only, even on a host where it is enabled.
    if (principal.kind !== "test") {
      throw new ProtocolError("forbidden", "the force-expire seam accepts test keys only", {
        reason: "test_key_required",
      });
    }
    const expired = await ctx.engine.expireRun(principal.tenantId, pathParam(c, "runId"));
    return c.json({ runId: expired.runId, expiredAt: expired.expiredAt });
  });
}
