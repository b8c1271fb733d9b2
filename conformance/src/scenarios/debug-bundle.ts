import { validateDebugBundle } from "@openwop/schema";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { readLog, startRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { allOf, discoveryValue, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Assertions } from "../runner/assertions.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

interface Bundle {
  readonly events: ReadonlyArray<{ readonly sequence: number }>;
  readonly metrics: { readonly eventCount?: unknown };
  readonly run: { readonly runId?: unknown };
  readonly truncated?: unknown;
  readonly truncatedReason?: unknown;
}

/** Fetches a bundle and checks what every bundle must satisfy: 200, no-store, schema, eventCount. */
async function fetchBundle(
  context: ScenarioContext,
  assert: Assertions,
  runId: string,
  query: string,
  label: string,
): Promise<Bundle> {
  const response = await context.client.raw("GET", `/v1/runs/${encodeURIComponent(runId)}/debug-bundle${query}`);
  assert.equal(response.status, 200, `${label}: status`);
  assert.match(response.headers.get("cache-control"), /\bno-store\b/i, `${label}: Cache-Control`);
  assertSchemaValid(assert, validateDebugBundle, response.body, label);
  const bundle = response.body as Bundle;
  assert.equal(bundle.metrics.eventCount, bundle.events.length, `${label}: metrics.eventCount equals events.length`);
  assert.equal(bundle.run.runId, runId, `${label}: run.runId`);
  return bundle;
}

const debugBundleAdvertised = (discovery: Parameters<typeof discoveryValue>[0]) =>
  discoveryValue(discovery, "debugBundle.supported") === true;

export const debugBundleScenarios: readonly Scenario[] = [
  {
    id: "debug-bundle-export",
    title: "A finished run's debug bundle is schema-valid, no-store, and carries the whole log",
    profiles: ["openwop-debug-bundle"],
    spec: "spec/v1/debug-bundle.md §2",
    alsoCites: ["spec/v1/debug-bundle.md §3.3", "spec/v1/stream-modes.md §5"],
    gate: allOf(
      whenAdvertised("debugBundle.supported", debugBundleAdvertised),
      needsFixtures("conformance-multi-node"),
    ),
    async run(context) {
      const { client, discovery } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-multi-node");
      await waitForTerminal(context, runId);
      const bundle = await fetchBundle(context, assert, runId, "", "debug bundle");
      assert.ok(
        bundle.truncated !== true,
        "debug-bundle.md §2: GET /v1/runs/{runId}/debug-bundle (finished conformance-multi-node run): a small " +
          "run's bundle must not be truncated; truncated, truncatedReason",
        [bundle.truncated, (bundle as { truncatedReason?: unknown }).truncatedReason],
      );
      const log = await readLog(context, runId);
      assert.deepEqual(
        bundle.events.map((event) => event.sequence),
        log.map((event) => event.sequence),
        "bundle events are the polled log",
      );
      const host = (bundle as unknown as { host?: { name?: unknown } }).host;
      if (discovery.implementation !== undefined)
        assert.equal(
          host?.name,
          discovery.implementation.name,
          "bundle host.name mirrors discovery implementation.name",
        );
      const unknown = await client.raw("GET", "/v1/runs/run-that-does-not-exist/debug-bundle");
      assertErrorEnvelope(assert, unknown, { code: "not_found" }, "debug bundle of an unknown run");
    },
  },
  {
    id: "debug-bundle-truncation",
    title: "?maxEvents=1 yields a truncated bundle that says why and keeps a prefix of the log",
    // Only production hosts must accept maxEvents (debug-bundle.md §5.2: MAY otherwise), so this
    // witness belongs to openwop-production alone; in the debug-bundle set a host without the
    // production block would be skipped here and denied a profile it may hold.
    profiles: ["openwop-production"],
    spec: "spec/v1/debug-bundle.md §5.2",
    alsoCites: ["spec/v1/debug-bundle.md §5.3", "spec/v1/debug-bundle.md §5.4", "spec/v1/production-profile.md §3.5"],
    gate: allOf(whenAdvertised("production.supported", productionAdvertised), needsFixtures("conformance-multi-node")),
    async run(context) {
      const assert: Assertions = context.assert;
      assert.equal(
        discoveryValue(context.discovery, "production.debugBundle.truncationMetadata"),
        true,
        "production hosts advertise production.debugBundle.truncationMetadata",
      );
      const runId = await startRun(context, "conformance-multi-node");
      await waitForTerminal(context, runId);
      const full = await fetchBundle(context, assert, runId, "", "full bundle");
      assert.ok(
        full.events.length >= 3,
        "debug-bundle.md §5.2: GET /v1/runs/{runId}/debug-bundle (finished conformance-multi-node run): the full " +
          "bundle must have at least three events; sequences",
        full.events.map((event) => event.sequence),
      );
      const cut = await fetchBundle(context, assert, runId, "?maxEvents=1", "bundle with maxEvents=1");
      assert.equal(cut.truncated, true, "truncated");
      assert.equal(cut.truncatedReason, "events_truncated_to_max_events", "truncatedReason names the maxEvents cut");
      assert.equal(cut.events.length, 1, "exactly maxEvents events are kept from a longer log");
      assert.deepEqual(
        cut.events,
        full.events.slice(0, cut.events.length),
        "the truncated events are a prefix of the log",
      );
    },
  },
];
