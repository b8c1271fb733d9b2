import type { Capabilities } from "@openwop/types";
import type { Gate, GateDecision } from "./scenario.js";

const RUN: GateDecision = { run: true };

/** For scenarios every host must pass. */
export const always: Gate = () => RUN;

/** Runs only when the host lists every fixture in discovery `fixtures`. */
export function needsFixtures(...fixtureIds: string[]): Gate {
  return (discovery) => {
    const advertised = Array.isArray(discovery.fixtures) ? discovery.fixtures : [];
    const missing = fixtureIds.filter((id) => !advertised.includes(id));
    return missing.length === 0
      ? RUN
      : {
          run: false,
          outcome: "skip",
          reason: `fixture ${missing.join(", ")} not advertised in discovery fixtures`,
          advertised: false,
        };
  };
}

/** Runs only when `advertised(discovery)` holds; otherwise skips, naming `capability`. */
export function whenAdvertised(capability: string, advertised: (discovery: Capabilities) => boolean): Gate {
  return (discovery) =>
    advertised(discovery)
      ? RUN
      : { run: false, outcome: "skip", reason: `${capability} not advertised`, advertised: false };
}

/** Runs only when every gate runs; the first refusal wins. */
export function allOf(...gates: Gate[]): Gate {
  return (discovery) => {
    for (const gate of gates) {
      const decision = gate(discovery);
      if (!decision.run) return decision;
    }
    return RUN;
  };
}

/** Reads `path` (dot-separated) from the discovery document, or `undefined`. */
export function discoveryValue(discovery: Capabilities, path: string): unknown {
  let current: unknown = discovery;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export const productionAdvertised = (discovery: Capabilities) =>
  discoveryValue(discovery, "production.supported") === true;

/** The `keys` block of auth.md §10.1: the host serves the key-management routes. */
export const keysAdvertised = (discovery: Capabilities) => discoveryValue(discovery, "keys.supported") === true;

/** The `rateLimit` block of auth.md §7: the host limits requests per key and says how much. */
export const rateLimitAdvertised = (discovery: Capabilities) =>
  discoveryValue(discovery, "rateLimit.supported") === true;

/** Runs only when discovery advertises key management. */
export const needsKeys: Gate = whenAdvertised("keys.supported", keysAdvertised);

/** Runs only when discovery advertises a per-key rate limit. */
export const needsRateLimit: Gate = whenAdvertised("rateLimit.supported", rateLimitAdvertised);

/** The `webhooks` block of webhooks.md §1: the host registers subscriptions and signs deliveries. */
export const webhooksAdvertised = (discovery: Capabilities) => discoveryValue(discovery, "webhooks.supported") === true;

/** `webhooks.durable` (webhooks.md §9, §13–§15): delivery records, retries, dead letters, the feed. */
export const durableWebhooksAdvertised = (discovery: Capabilities) =>
  webhooksAdvertised(discovery) && discoveryValue(discovery, "webhooks.durable") === true;

/** Runs only when discovery advertises webhooks. */
export const needsWebhooks: Gate = whenAdvertised("webhooks.supported", webhooksAdvertised);

/** Runs only when discovery advertises durable webhooks. */
export const needsDurableWebhooks: Gate = allOf(
  needsWebhooks,
  whenAdvertised("webhooks.durable", durableWebhooksAdvertised),
);
