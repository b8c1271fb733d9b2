import type { Authenticator, Engine, Principal } from "@openwop/core";
import type { JsonObject } from "@openwop/storage";
import type { HostSettings } from "./settings/host-settings.js";

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
  /** The host's settings, as advertised. */
  settings: HostSettings;
}
