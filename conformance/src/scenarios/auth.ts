import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { startRun } from "../lib/runs.js";
import { always, needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

/** The key the public suite uses for "well-formed but unknown"; it must get 401, never 403. */
export const BOGUS_KEY = "hk_definitely_not_a_real_key_12345";

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
    title: "Another tenant's key cannot see a run: 404 not_found, same as an unknown run",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/auth.md §5.2",
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
    },
  },
];
