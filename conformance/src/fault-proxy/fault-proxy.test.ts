import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ScenarioOutcome } from "@openwop/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchHost, type LaunchedHost } from "../host-manifest/launch.js";
import { loadHostManifest } from "../host-manifest/manifest.js";
import { runSuite } from "../runner/run-suite.js";
import { startFaultProxy, type SyntheticBackpressure } from "./proxy.js";
import { FAULT_SWITCHES, type FaultSwitch } from "./switches.js";

/**
 * The suite must be able to fail. Against the in-memory host, once directly and once
 * through a transparent proxy, then once per fault switch: each switch must make exactly
 * its witnesses fail, and no other scenario may change outcome.
 *
 * The whole suite runs a dozen times here, inside a parallel test run, and a scenario that
 * waits on the host can come out differently on a loaded machine for reasons no fault
 * explains. So a scenario outside the witnesses that changed outcome is run again, alone,
 * once along each route: only a change that repeats counts; one that does not was timing,
 * not the fault, and is reported on stderr. Witnesses are judged on the first run, since a
 * fault that makes a scenario fail does so every time.
 */

const manifestPath = fileURLToPath(new URL("../../../examples/hosts/in-memory/openwop-host.json", import.meta.url));
const hostEntry = fileURLToPath(new URL("../../../examples/hosts/in-memory/dist/main.js", import.meta.url));

/**
 * The malformed-input scenarios that run against the in-memory host (its webhooks are not
 * durable, so malformed-durable-webhooks-input skips there).
 */
const MALFORMED_INPUT_WITNESSES = [
  "malformed-run-body",
  "malformed-run-members",
  "malformed-run-query-and-headers",
  "malformed-path-ids",
  "malformed-cancel-body",
  "malformed-interrupt-body",
  "malformed-oversized-body",
  "malformed-debug-bundle-query",
  "malformed-keys-input",
  "malformed-webhooks-input",
] as const;

/** The scenarios each fault must turn into failures — and the only ones it may change. */
const WITNESSES: Readonly<Record<FaultSwitch, readonly string[]>> = {
  "envelope-extra-key": [
    "auth-missing-credential",
    "auth-invalid-key",
    "auth-insufficient-scope",
    "auth-tenant-isolation",
    "error-unversioned-path",
    "error-malformed-json",
    "error-unknown-workflow",
    "error-unknown-run",
    "sse-resume",
    "sse-unknown-stream-mode",
    "idempotency-key-mismatch",
    "cancel-running-run",
    "runs-list-refusals",
    "runs-bulk-cancel-refusals",
    // Pause and resume's 409s and 400s are judged as envelopes (openwop-run-pause).
    "runs-pause-resume",
    "runs-pause-interrupt-and-cancel",
    "runs-pause-refusals",
    "runs-pause-tenant-isolation",
    "interrupt-unknown-node",
    "interrupt-invalid-resume",
    "interrupt-double-resolution",
    "production-backpressure",
    "debug-bundle-export",
    "auth-body-tenant",
    "keys-issue-and-list",
    "keys-self",
    "keys-no-escalation",
    "keys-rotation-grace",
    "keys-revocation",
    "keys-expiry",
    "keys-cross-tenant",
    "auth-www-authenticate",
    "auth-rate-limit",
    // The in-memory host delivers best-effort: of the webhook scenarios only openwop-webhooks's run.
    "webhooks-url-safety",
    "webhooks-register",
    "webhooks-tenant-isolation",
    // Every refusal the malformed-input battery expects carries the envelope.
    ...MALFORMED_INPUT_WITNESSES,
  ],
  "retry-after-missing": ["production-backpressure"],
  // Every scenario that compares a stream, or an event count, with the log sees the duplicate.
  "duplicate-terminal": [
    "run-noop-completes",
    "event-ordering",
    "sse-resume",
    "sse-terminal-close",
    "sse-stream-modes",
    "cancel-running-run",
    "debug-bundle-export",
    // The paused log must end with run.paused, then one terminal event.
    "runs-pause-resume",
    "runs-pause-interrupt-and-cancel",
  ],
  // The lost event 1 is the first node.started: gapless checks and node-start counts see it.
  "sequence-gap": [
    "event-ordering",
    "sse-resume",
    "poll-long-wait",
    "cap-breach-recursion-limit",
    "debug-bundle-export",
    // They count node.started per attempt, or check the paused log is gapless.
    "node-retry",
    "node-retry-exhausted",
    "expressions-error-not-retried",
    "runs-pause-resume",
    "runs-pause-interrupt-and-cancel",
  ],
  "replay-header-missing": ["idempotency-replay", "webhooks-register"],
  // Every scenario that expects a 401 (the key scenarios wait for key_expired or key_revoked).
  "unauthenticated-as-forbidden": [
    "auth-missing-credential",
    "auth-invalid-key",
    "keys-rotation-grace",
    "keys-revocation",
    "keys-expiry",
    "auth-www-authenticate",
  ],
  // sse-stream-modes also waits for the messages stream of a terminal run to be closed.
  "sse-never-closes": ["sse-terminal-close", "sse-stream-modes"],
  // Exactly the malformed-input battery: no other scenario sends what the lax host lets through.
  "junk-accepted": MALFORMED_INPUT_WITNESSES,
};

/** Faults that need the proxy's load-shedding layer, because the host under it has none. */
const NEEDS_BACKPRESSURE = new Set<FaultSwitch>(["retry-after-missing", "envelope-extra-key"]);
const BACKPRESSURE: SyntheticBackpressure = { inflightCap: 12, retryAfterSeconds: 1 };

interface Outcomes {
  readonly outcome: Map<string, ScenarioOutcome>;
  readonly message: Map<string, string | undefined>;
}

/** One way of reaching the host: directly, or through the proxy with a fault and/or load shedding. */
interface Route {
  readonly direct?: true;
  readonly fault?: FaultSwitch;
  readonly backpressure?: SyntheticBackpressure;
}

const DIRECT: Route = { direct: true };
const CLEAN: Route = {};
const CLEAN_WITH_BACKPRESSURE: Route = { backpressure: BACKPRESSURE };

let host: LaunchedHost | undefined;
let privateUrls = false;

/** The whole suite, or only the scenario `only`, against `baseUrl`. */
async function suite(baseUrl: string, only?: string): Promise<Outcomes> {
  if (host === undefined) throw new Error("host not started");
  const run = await runSuite({
    ...(only === undefined ? {} : { filter: only }),
    baseUrl,
    apiKey: host.keys.apiKey,
    ...(host.keys.lowScopeApiKey === undefined ? {} : { lowScopeApiKey: host.keys.lowScopeApiKey }),
    ...(host.keys.secondaryApiKey === undefined ? {} : { secondaryApiKey: host.keys.secondaryApiKey }),
    // As the manifest says: its host accepts the suite's loopback webhook receiver.
    webhookPrivateUrls: privateUrls,
    timeoutScale: 1,
    requireBehavior: false,
    optOutProfiles: [],
    env: {},
  });
  // `filter` keeps every id containing the text: keep exactly the one asked for.
  const runs = only === undefined ? run.runs : run.runs.filter((result) => result.scenario.id === only);
  return {
    outcome: new Map(runs.map((result) => [result.scenario.id, result.outcome])),
    message: new Map(runs.map((result) => [result.scenario.id, result.message])),
  };
}

async function along(route: Route, only?: string): Promise<Outcomes> {
  if (host === undefined) throw new Error("host not started");
  if (route.direct) return suite(host.baseUrl, only);
  const proxy = await startFaultProxy({
    target: host.baseUrl,
    ...(route.fault ? { fault: route.fault } : {}),
    ...(route.backpressure ? { backpressure: route.backpressure } : {}),
  });
  try {
    return await suite(proxy.url, only);
  } finally {
    await proxy.close();
  }
}

const changedIds = (baseline: Outcomes, faulty: Outcomes) =>
  [...baseline.outcome.keys()].filter((id) => baseline.outcome.get(id) !== faulty.outcome.get(id)).sort();

/**
 * The scenarios of `changed` whose change repeats when each runs again alone along both
 * routes; the others changed by timing, and are only reported.
 */
async function repeatedChanges(changed: readonly string[], baseline: Route, other: Route): Promise<string[]> {
  const repeated: string[] = [];
  for (const id of changed) {
    const before = (await along(baseline, id)).outcome.get(id);
    const after = (await along(other, id)).outcome.get(id);
    if (before !== after) repeated.push(id);
    else
      process.stderr.write(
        `fault-proxy: ${id} changed outcome once but not when run again alone (${before} both times): timing, not the route\n`,
      );
  }
  return repeated;
}

describe("the suite can fail: fault proxy in front of the in-memory host", () => {
  let direct: Outcomes;
  let clean: Outcomes;
  let cleanWithBackpressure: Outcomes;

  beforeAll(async () => {
    if (!existsSync(hostEntry))
      throw new Error(`${hostEntry} is missing: build the host first (pnpm build, or pnpm test which builds)`);
    const loaded = await loadHostManifest(manifestPath);
    privateUrls = loaded.manifest.testSeams?.webhookPrivateUrls === true;
    host = await launchHost(loaded);
    direct = await along(DIRECT);
    clean = await along(CLEAN);
    cleanWithBackpressure = await along(CLEAN_WITH_BACKPRESSURE);
  }, 300_000);

  afterAll(async () => {
    await host?.stop();
  });

  it("a proxy without faults is transparent", async () => {
    expect(await repeatedChanges(changedIds(direct, clean), DIRECT, CLEAN)).toEqual([]);
    expect([...clean.outcome.values()].filter((outcome) => outcome === "pass").length).toBeGreaterThan(30);
  });

  it("the load-shedding layer makes production-backpressure pass and disturbs nothing it does not advertise", async () => {
    expect(cleanWithBackpressure.outcome.get("production-backpressure")).toBe("pass");
    const changed = await repeatedChanges(changedIds(clean, cleanWithBackpressure), CLEAN, CLEAN_WITH_BACKPRESSURE);
    // Advertising production.supported ungates the production scenarios; nothing else moves.
    expect(
      changed.every((id) =>
        [
          "production-backpressure",
          "production-capability-block",
          "idempotency-retry",
          "debug-bundle-truncation",
          "production-retention-expiry",
          "restart-during-run",
          "stale-claim",
          "runs-pause-restart",
          "runs-pause-takeover",
        ].includes(id),
      ),
    ).toBe(true);
  });

  it.each(FAULT_SWITCHES)(
    "%s fails exactly its witnesses",
    async (fault) => {
      const withBackpressure = NEEDS_BACKPRESSURE.has(fault);
      const baseline = withBackpressure ? cleanWithBackpressure : clean;
      const baselineRoute = withBackpressure ? CLEAN_WITH_BACKPRESSURE : CLEAN;
      const faultyRoute: Route = { ...baselineRoute, fault };
      const faulty = await along(faultyRoute);
      const witnesses = [...WITNESSES[fault]].sort();
      for (const id of witnesses) {
        expect(faulty.outcome.get(id), `${id} under ${fault}`).toBe("fail");
        // A witness the clean host already fails must at least fail differently, or it proves nothing.
        expect(
          baseline.outcome.get(id) !== "fail" || baseline.message.get(id) !== faulty.message.get(id),
          `${id} must be changed by ${fault}`,
        ).toBe(true);
      }
      const unexpected = changedIds(baseline, faulty).filter((id) => !witnesses.includes(id));
      expect(
        await repeatedChanges(unexpected, baselineRoute, faultyRoute),
        `scenarios ${fault} must not change`,
      ).toEqual([]);
    },
    300_000,
  );
});
