import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.js";
import { serviceUnavailable } from "@openwop/core";
import { sendError } from "../envelope.js";

/** Longest a readiness probe waits for storage before calling it unreachable. */
const STORAGE_PROBE_TIMEOUT_MS = 2_000;

type CheckOutcome = "ok" | "failing";

async function probeStorage(ctx: ServerContext): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve("failing"), STORAGE_PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      ctx.engine.store.ping().then(
        (): CheckOutcome => "ok",
        (): CheckOutcome => "failing",
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes for orchestrators. `/healthz` answers while the process can serve HTTP at all;
 * `/readyz` answers 200 only when storage answers (its migrations were applied when the
 * adapter opened, or the host would not have started) and the claim loop is running.
 * A failing readiness probe is the degraded state: the process stays up, work requests
 * get the 503 envelope from the storage error, and readiness returns once storage does.
 */
export function registerHealthRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/healthz", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok" });
  });

  app.get("/readyz", async (c) => {
    c.header("Cache-Control", "no-store");
    const checks = {
      storage: await probeStorage(ctx),
      claimLoop: ctx.engine.worker.running ? ("ok" as const) : ("failing" as const),
    };
    if (checks.storage === "ok" && checks.claimLoop === "ok") {
      // Ready is not idle: a client about to create work reads how full the queue is.
      const admission = await ctx.engine.admission?.load().catch(() => undefined);
      return c.json({ status: "ready", checks, ...(admission ? { admission } : {}) });
    }
    const retryAfter = ctx.settings.retryAfterSeconds;
    const reason =
      checks.storage === "ok" ? "the claim loop is not running" : "storage is unreachable; the host is degraded";
    return sendError(c, serviceUnavailable(reason, retryAfter, { checks }));
  });
}
