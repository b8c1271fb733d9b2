import type { ServerResponse } from "node:http";
import type { MiddlewareHandler } from "hono";
import { serviceUnavailable } from "@openwop/core";
import { sendError } from "../envelope.js";
import type { HostSettings } from "../settings/host-settings.js";

/** Paths never refused for backpressure and not counted: discovery, OpenAPI, probes, metrics. */
export const BACKPRESSURE_EXEMPT_PATHS: ReadonlySet<string> = new Set([
  "/.well-known/openwop",
  "/v1/openapi.json",
  "/healthz",
  "/readyz",
  "/metrics",
]);

/**
 * The in-flight cap of the production profile (P2): at most `cap` requests are served at
 * once, and the one that would exceed it is answered 503 at once, before any work.
 *
 * A request stays in flight until its response is complete, not until the handler
 * returns: an SSE stream or a held long poll counts for as long as it is open. Under
 * `@hono/node-server` that moment is the Node response's `close` event; on a runtime
 * without Node bindings the slot is released when the handler returns (streams uncounted).
 */
export class InflightGate {
  #inflight = 0;

  constructor(private readonly settings: Pick<HostSettings, "inflightCap" | "retryAfterSeconds">) {}

  get inflight(): number {
    return this.#inflight;
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      if (BACKPRESSURE_EXEMPT_PATHS.has(c.req.path)) return next();
      if (this.#inflight >= this.settings.inflightCap) {
        return sendError(
          c,
          serviceUnavailable(
            `the host is at capacity (${this.settings.inflightCap} requests in flight); retry later`,
            this.settings.retryAfterSeconds,
          ),
        );
      }
      this.#inflight += 1;
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#inflight -= 1;
      };
      if (outgoing && !outgoing.closed) {
        // Released when the response is complete or the client goes away, errors included.
        outgoing.once("close", release);
        return next();
      }
      try {
        await next();
      } finally {
        release();
      }
    };
  }
}
