import { WireError, type OpenWopClient, type RawResponse } from "@openwop/client";
import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { startRun, waitForRun } from "../lib/runs.js";
import { always, discoveryValue, keysAdvertised, needsFixtures } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

/** The key the public suite uses for "well-formed but unknown"; it must get 401, never 403. */
export const BOGUS_KEY = "hk_definitely_not_a_real_key_12345";

/** A tenant no host seeds; used when the suite cannot learn a real other tenant. */
const MADE_UP_TENANT = "openwop-conformance-not-your-tenant";

/**
 * Opens a run's SSE stream as `client` and hands back the answer as a raw response: a
 * refusal with its envelope, or a `200` (whose stream is closed at once, so a leaking host
 * cannot hold the scenario).
 */
async function streamAnswer(context: ScenarioContext, client: OpenWopClient, runId: string): Promise<RawResponse> {
  const controller = new AbortController();
  const bound = setTimeout(() => controller.abort(), context.scaled(10_000));
  try {
    const stream = await client.openEventStream(runId, { signal: controller.signal });
    return { status: stream.status, headers: stream.headers, body: undefined, text: "" };
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    return { status: error.status, headers: error.headers, body: error.body, text: JSON.stringify(error.body ?? null) };
  } finally {
    clearTimeout(bound);
    controller.abort();
  }
}

/** The tenant a key acts for, from `GET /v1/keys/self`, when the host manages keys and says. */
async function tenantOf(context: ScenarioContext, apiKey: string): Promise<string | undefined> {
  if (!keysAdvertised(context.discovery)) return undefined;
  const self = await context.client.raw("GET", "/v1/keys/self", { auth: apiKey });
  const tenant = (self.body as { tenant?: unknown } | undefined)?.tenant;
  return self.status === 200 && typeof tenant === "string" && tenant.length > 0 ? tenant : undefined;
}

export const authScenarios: readonly Scenario[] = [
  {
    id: "auth-missing-credential",
    title: "A request without credentials gets 401 unauthenticated",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/auth.md §4.1",
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const create = await client.raw("POST", "/v1/runs", { auth: false, body: { workflowId: "conformance-noop" } });
      assertErrorEnvelope(assert, create, { code: "unauthenticated" }, "POST /v1/runs without Authorization");
      const read = await client.raw("GET", "/v1/runs/run-that-does-not-exist", { auth: false });
      assertErrorEnvelope(assert, read, { code: "unauthenticated" }, "GET /v1/runs/{id} without Authorization");
      const malformed = await client.raw("GET", "/v1/runs/run-that-does-not-exist", {
        auth: false,
        headers: { authorization: "Basic Zm9vOmJhcg==" },
      });
      assertErrorEnvelope(
        assert,
        malformed,
        { code: "unauthenticated" },
        "GET /v1/runs/{id} with a non-Bearer Authorization",
      );
    },
  },
  {
    id: "auth-invalid-key",
    title: "An unknown bearer key gets 401 unauthenticated, not 403",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/auth.md §4.1",
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const create = await client.raw("POST", "/v1/runs", {
        auth: BOGUS_KEY,
        body: { workflowId: "conformance-noop" },
      });
      assertErrorEnvelope(assert, create, { code: "unauthenticated" }, "POST /v1/runs with an unknown key");
      const read = await client.raw("GET", "/v1/runs/run-that-does-not-exist", { auth: BOGUS_KEY });
      assertErrorEnvelope(assert, read, { code: "unauthenticated" }, "GET /v1/runs/{id} with an unknown key");
    },
  },
  {
    id: "auth-insufficient-scope",
    title: "A valid key without runs:create gets 403 forbidden naming the scope",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/auth.md §4.2",
    gate: needsFixtures("conformance-noop"),
    async run(context) {
      const { client, options } = context;
      const assert: Assertions = context.assert;
      if (options.lowScopeApiKey === undefined)
        return context.skip("needs --low-scope-api-key (a key of the same tenant without runs:create)", false);
      const response = await client.raw("POST", "/v1/runs", {
        auth: options.lowScopeApiKey,
        body: { workflowId: "conformance-noop" },
      });
      const envelope = assertErrorEnvelope(
        assert,
        response,
        { code: "forbidden" },
        "POST /v1/runs with a low-scope key",
      );
      assert.equal(envelope.details?.requiredScope, "runs:create", "details.requiredScope names the missing scope");
    },
  },
  {
    id: "auth-tenant-isolation",
    title:
      "Another tenant's key cannot see a run: 404 not_found, same as an unknown run, on snapshot, poll, cancel, SSE, interrupts and debug bundle",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/auth.md §5.2",
    alsoCites: ["spec/v1/auth.md §5.5"],
    gate: needsFixtures("conformance-noop"),
    async run(context) {
      const { options } = context;
      const assert: Assertions = context.assert;
      if (options.secondaryApiKey === undefined)
        return context.skip("needs --secondary-api-key (a key of another tenant)", false);
      const runId = await startRun(context, "conformance-noop");
      const other = context.clientWithKey(options.secondaryApiKey);
      const foreign = await other.raw("GET", `/v1/runs/${encodeURIComponent(runId)}`);
      const envelope = assertErrorEnvelope(assert, foreign, { code: "not_found" }, "GET another tenant's run");
      const unknownId = "run-that-does-not-exist-anywhere";
      const unknown = await other.raw("GET", `/v1/runs/${unknownId}`);
      const unknownEnvelope = assertErrorEnvelope(assert, unknown, { code: "not_found" }, "GET an unknown run");
      // Messages may name the id asked for; beyond that they must not differ, or they leak existence.
      assert.equal(
        envelope.message.replaceAll(runId, "{runId}"),
        unknownEnvelope.message.replaceAll(unknownId, "{runId}"),
        "a foreign run's 404 message must match an unknown run's",
      );
      const poll = await other.raw("GET", `/v1/runs/${encodeURIComponent(runId)}/events/poll`);
      assertErrorEnvelope(assert, poll, { code: "not_found" }, "poll another tenant's run");
      const cancel = await other.raw("POST", `/v1/runs/${encodeURIComponent(runId)}/cancel`, { body: {} });
      assertErrorEnvelope(assert, cancel, { code: "not_found" }, "cancel another tenant's run");

      // The same answer on the SSE route, interrupt resolution and the debug bundle (auth.md §5.5).
      const stream = await streamAnswer(context, other, runId);
      assertErrorEnvelope(assert, stream, { code: "not_found" }, "open another tenant's SSE stream");
      // A suspended run is the one a leak would resolve; without the fixture any run will do.
      const approvalAdvertised =
        Array.isArray(context.discovery.fixtures) && context.discovery.fixtures.includes("conformance-approval");
      const suspendedId = approvalAdvertised ? await startRun(context, "conformance-approval") : runId;
      if (approvalAdvertised) {
        await waitForRun(
          context,
          suspendedId,
          (snapshot) => snapshot.status === "waiting-approval",
          5_000,
          "waiting-approval",
        );
      }
      const resolve = await other.raw("POST", `/v1/runs/${encodeURIComponent(suspendedId)}/interrupts/gate`, {
        body: { resumeValue: { action: "accept" } },
      });
      const resolveDetails = (resolve.body as { details?: { requiredScope?: unknown } } | undefined)?.details;
      if (resolve.status === 403 && resolveDetails?.requiredScope === "approvals:respond") {
        // Scope before lookup (auth.md §4.3) says nothing about the run; the route stays unchecked.
        context.note(
          "the secondary key lacks approvals:respond, so interrupt resolution answered 403 before any lookup",
        );
      } else {
        assertErrorEnvelope(assert, resolve, { code: "not_found" }, "resolve an interrupt of another tenant's run");
      }
      if (approvalAdvertised) {
        const still = await context.client.getRun(suspendedId);
        assert.equal(still.status, "waiting-approval", "another tenant's resolution attempt left the run suspended");
      }
      if (discoveryValue(context.discovery, "debugBundle.supported") === true) {
        const bundle = await other.raw("GET", `/v1/runs/${encodeURIComponent(runId)}/debug-bundle`);
        assertErrorEnvelope(assert, bundle, { code: "not_found" }, "debug bundle of another tenant's run");
      } else {
        context.note("debugBundle not advertised; the debug-bundle route was not checked");
      }
    },
  },
  {
    id: "auth-body-tenant",
    title: "POST /v1/runs naming another tenant in tenantId gets 403 forbidden with details.field tenantId",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/auth.md §5.3",
    gate: needsFixtures("conformance-noop"),
    async run(context) {
      const { client, options } = context;
      const assert: Assertions = context.assert;
      const own = await tenantOf(context, options.apiKey);
      // A real other tenant when the suite can learn one, else a name no host seeds.
      const secondary =
        options.secondaryApiKey === undefined ? undefined : await tenantOf(context, options.secondaryApiKey);
      const foreign =
        secondary !== undefined && secondary !== own
          ? secondary
          : own === MADE_UP_TENANT
            ? `${MADE_UP_TENANT}-2`
            : MADE_UP_TENANT;
      const response = await client.raw("POST", "/v1/runs", {
        body: { workflowId: "conformance-noop", tenantId: foreign },
      });
      const createdId = (response.body as { runId?: unknown } | undefined)?.runId;
      if (typeof createdId === "string")
        context.defer(() => client.cancelRun(createdId, "conformance cleanup").catch(() => undefined));
      const envelope = assertErrorEnvelope(
        assert,
        response,
        { code: "forbidden" },
        `POST /v1/runs with tenantId ${JSON.stringify(foreign)}`,
      );
      assert.equal(envelope.details?.field, "tenantId", "details.field names tenantId");
      if (own === undefined) {
        context.note("the key's own tenant is unknown to the suite, so a matching tenantId was not tried");
      } else {
        // A tenantId that matches the key's has no further effect (auth.md §5.3).
        await startRun(context, "conformance-noop", undefined, { tenantId: own });
      }
    },
  },
];
