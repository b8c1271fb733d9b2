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
  "sse-never-closes": ["sse-terminal-close"],
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

let host: LaunchedHost | undefined;
let privateUrls = false;

async function suite(baseUrl: string): Promise<Outcomes> {
  if (host === undefined) throw new Error("host not started");
  const run = await runSuite({
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
  return {
    outcome: new Map(run.runs.map((result) => [result.scenario.id, result.outcome])),
    message: new Map(run.runs.map((result) => [result.scenario.id, result.message])),
  };
}

async function throughProxy(fault?: FaultSwitch, backpressure?: SyntheticBackpressure): Promise<Outcomes> {
  if (host === undefined) throw new Error("host not started");
  const proxy = await startFaultProxy({
    target: host.baseUrl,
    ...(fault ? { fault } : {}),
    ...(backpressure ? { backpressure } : {}),
  });
  try {
    return await suite(proxy.url);
  } finally {
    await proxy.close();
  }
}

const changedIds = (baseline: Outcomes, faulty: Outcomes) =>
  [...baseline.outcome.keys()].filter((id) => baseline.outcome.get(id) !== faulty.outcome.get(id)).sort();

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
    direct = await suite(host.baseUrl);
    clean = await throughProxy();
    cleanWithBackpressure = await throughProxy(undefined, BACKPRESSURE);
  }, 300_000);

  afterAll(async () => {
    await host?.stop();
  });

  it("a proxy without faults is transparent", () => {
    expect(changedIds(direct, clean)).toEqual([]);
    expect([...clean.outcome.values()].filter((outcome) => outcome === "pass").length).toBeGreaterThan(30);
  });

  it("the load-shedding layer makes production-backpressure pass and disturbs nothing it does not advertise", () => {
    expect(cleanWithBackpressure.outcome.get("production-backpressure")).toBe("pass");
    const changed = changedIds(clean, cleanWithBackpressure);
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
      const backpressure = NEEDS_BACKPRESSURE.has(fault) ? BACKPRESSURE : undefined;
      const baseline = backpressure ? cleanWithBackpressure : clean;
      const faulty = await throughProxy(fault, backpressure);
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
      expect(unexpected, `scenarios ${fault} must not change`).toEqual([]);
    },
    300_000,
  );
});
