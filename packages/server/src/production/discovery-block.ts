import type { JsonObject } from "@openwop/storage";
import type { HostSettings } from "../settings/host-settings.js";

/**
 * The RFC 0009 `production` discovery block, built from the settings the running host
 * enforces, so every advertised number is the one behaviour is checked against.
 */
export function productionDiscoveryBlock(settings: HostSettings): JsonObject {
  return {
    supported: true,
    backpressure: { supported: true, inflightCap: settings.inflightCap, retryAfterSeconds: settings.retryAfterSeconds },
    retention: {
      supported: true,
      minWindowSeconds: settings.retentionSeconds,
      testForceExpire: settings.testForceExpire,
    },
    debugBundle: { supported: true, truncationMetadata: true },
  };
}
