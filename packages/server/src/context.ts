import type { Authenticator, Engine, Principal } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";
import type { ProductionSettings } from "./production/settings.js";

/** Per-request values middleware sets for handlers. */
export type AppVariables = {
  principal: Principal;
  correlationId: string;
};

export type AppEnv = { Variables: AppVariables };

/** Everything route handlers share; built once per server. */
export interface ServerContext {
  engine: Engine;
  authenticator: Authenticator;
  discovery: JsonObject;
  /** Keep-alive comment interval for SSE streams. */
  sseKeepAliveMs: number;
  /** How long a duplicate idempotent request waits for the first one to finish. */
  idempotencyWaitMs: number;
  /** Backpressure, admission, retention and debug-bundle limits, as advertised. */
  settings: ProductionSettings;
}
