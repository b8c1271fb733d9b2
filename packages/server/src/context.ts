import type { Engine, Principal } from "@openwop/core";
import type { ApiKeyRecord, JsonObject } from "@openwop/storage";
import type { KeyRateLimiter } from "./production/rate-limit.js";
import type { HostSettings } from "./settings/host-settings.js";

/** Per-request values middleware sets for handlers. */
export type AppVariables = {
  principal: Principal;
  /** The key that authenticated the request; null for an identity provider's token. */
  apiKey: ApiKeyRecord | null;
  correlationId: string;
  /** How many body bytes a handler has read so far (logged when the client leaves mid-body). */
  bytesReceived: number;
};

export type AppEnv = { Variables: AppVariables };

/** Everything route handlers share; built once per server. */
export interface ServerContext {
  engine: Engine;
  discovery: JsonObject;
  /** The per-key rate limit, when the host has one. */
  rateLimiter: KeyRateLimiter | undefined;
  /** The host's settings, as advertised. */
  settings: HostSettings;
}
