import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { startRun, waitForTerminal } from "../lib/runs.js";
import { allOf, discoveryValue, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

/** An expired run to probe, and whether the suite saw it exist before it expired. */
interface ExpiredRun {
  readonly runId: string;
  /**
   * True when the suite created the run and saw it finish before expiring it; false for an
   * id the operator supplied, whose existence only a `410` (which names when it expired) shows.
   */
  readonly seenAlive: boolean;
}

/**
 * Where an expired run comes from, in order of preference: a run id the operator already
 * expired, a force-expire URL from the environment, or the host manifest's seam.
 */
async function expiredRun(context: ScenarioContext): Promise<ExpiredRun | undefined> {
  const { env, hostManifest } = context.options;
  const given = env.OPENWOP_TEST_EXPIRED_RUN_ID;
  if (given !== undefined && given.length > 0) return { runId: given, seenAlive: false };
  const urlTemplate = env.OPENWOP_TEST_FORCE_EXPIRE_URL;
  const seam = hostManifest?.manifest.testSeams?.forceExpire;
  if ((urlTemplate === undefined || urlTemplate.length === 0) && seam === undefined) return undefined;

  const runId = await startRun(context, "conformance-noop");
  await waitForTerminal(context, runId);
  const method = urlTemplate ? (env.OPENWOP_TEST_FORCE_EXPIRE_METHOD ?? "POST") : (seam?.method ?? "POST");
  const target = (urlTemplate ?? seam?.path ?? "").replaceAll("{runId}", encodeURIComponent(runId));
  const response = await context.client.raw(method, target, { body: {} });
  context.setupAssert.ok(
    response.status >= 200 && response.status < 300,
    `force-expire seam ${method} ${target.replace(runId, "{runId}")} answered ${response.status}`,
  );
  return { runId, seenAlive: true };
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
      const expired = await expiredRun(context);
      if (expired === undefined) {
        return context.skip(
          "no expired run: set OPENWOP_TEST_EXPIRED_RUN_ID or OPENWOP_TEST_FORCE_EXPIRE_URL, or give a --host-manifest with testSeams.forceExpire",
          true,
        );
      }
      const { runId, seenAlive } = expired;
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
        // 410 is evidence the run existed only if the host does not say it of every id.
        const neverExisted = await client.raw("GET", `/v1/runs/run-conformance-never-existed-${Date.now()}`);
        assertErrorEnvelope(
          assert,
          neverExisted,
          { status: 404, code: "not_found" },
          "GET a run id that never existed (so that 410 distinguishes an expired run)",
        );
      } else {
        assert.equal(envelope.error, "not_found", "404 carries not_found");
        // A 404 is also what an id that never existed gets, so it shows expiry only for a run
        // the suite itself saw alive.
        if (!seenAlive) {
          return context.blocked(
            `GET /v1/runs/{OPENWOP_TEST_EXPIRED_RUN_ID} answered 404 not_found, which a run id that never existed answers too, so it proves nothing about expiry (production-profile.md §3.4); give a force-expire seam (OPENWOP_TEST_FORCE_EXPIRE_URL or a --host-manifest with testSeams.forceExpire) so the suite expires a run it created, or an id the host answers 410 run_expired`,
          );
        }
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
