import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { startRun, waitForTerminal } from "../lib/runs.js";
import { allOf, discoveryValue, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

/**
 * Where an expired run comes from, in order of preference: a run id the operator already
 * expired, a force-expire URL from the environment, or the host manifest's seam.
 */
async function expiredRunId(context: ScenarioContext): Promise<string | undefined> {
  const { env, hostManifest } = context.options;
  const given = env.OPENWOP_TEST_EXPIRED_RUN_ID;
  if (given !== undefined && given.length > 0) return given;
  const urlTemplate = env.OPENWOP_TEST_FORCE_EXPIRE_URL;
  const seam = hostManifest?.manifest.testSeams?.forceExpire;
  if ((urlTemplate === undefined || urlTemplate.length === 0) && seam === undefined) return undefined;

  const runId = await startRun(context, "conformance-noop");
  await waitForTerminal(context, runId);
  const method = urlTemplate ? (env.OPENWOP_TEST_FORCE_EXPIRE_METHOD ?? "POST") : (seam?.method ?? "POST");
  const target = (urlTemplate ?? seam?.path ?? "").replaceAll("{runId}", encodeURIComponent(runId));
  const response = await context.client.raw(method, target, { body: {} });
  context.assert.ok(
    response.status >= 200 && response.status < 300,
    `force-expire seam ${method} ${target.replace(runId, "{runId}")} answered ${response.status}`,
  );
  return runId;
}

export const productionRetentionScenarios: readonly Scenario[] = [
  {
    id: "production-retention-expiry",
    title: "An expired run answers 410 run_expired with details.expiredAt (or 404 not_found)",
    profiles: ["openwop-production"],
    spec: "spec/v1/production-profile.md §3.4",
    alsoCites: ["spec/v1/core.md §6.8"],
    gate: allOf(whenAdvertised("production.supported", productionAdvertised), needsFixtures("conformance-noop")),
    async run(context) {
      const { client, discovery } = context;
      const assert: Assertions = context.assert;
      assert.equal(
        discoveryValue(discovery, "production.retention.supported"),
        true,
        "production hosts advertise retention",
      );
      const runId = await expiredRunId(context);
      if (runId === undefined) {
        return context.skip(
          "no expired run: set OPENWOP_TEST_EXPIRED_RUN_ID or OPENWOP_TEST_FORCE_EXPIRE_URL, or give a --host-manifest with testSeams.forceExpire",
          true,
        );
      }
      const path = `/v1/runs/${encodeURIComponent(runId)}`;
      const snapshot = await client.raw("GET", path);
      const envelope = assertErrorEnvelope(
        assert,
        snapshot,
        { code: ["run_expired", "not_found"] },
        "GET an expired run",
      );
      if (snapshot.status === 410) {
        assert.equal(envelope.error, "run_expired", "410 carries run_expired");
        assert.isString(envelope.details?.expiredAt, "410 details.expiredAt");
      } else {
        assert.equal(envelope.error, "not_found", "404 carries not_found");
      }
      // P4.4: every run-scoped endpoint answers an expired run the same way.
      for (const [method, suffix] of [
        ["GET", "/events/poll"],
        ["GET", "/debug-bundle"],
        ["POST", "/cancel"],
      ] as const) {
        const response = await client.raw(method, `${path}${suffix}`, method === "POST" ? { body: {} } : {});
        assertErrorEnvelope(
          assert,
          response,
          { status: snapshot.status, code: envelope.error },
          `${method} {run}${suffix} of an expired run`,
        );
      }
    },
  },
];
