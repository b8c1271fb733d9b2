import type { Assertions } from "../runner/assertions.js";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { always } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

export const errorScenarios: readonly Scenario[] = [
  {
    id: "error-unversioned-path",
    title: "A path without a version prefix gets 400 validation_error (unversioned_path)",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §2.1",
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      for (const [method, path] of [
        ["GET", "/runs/abc"],
        ["POST", "/runs"],
      ] as const) {
        const response = await client.raw(
          method,
          path,
          method === "POST" ? { body: { workflowId: "conformance-noop" } } : {},
        );
        const envelope = assertErrorEnvelope(assert, response, { code: "validation_error" }, `§2.1: ${method} ${path}`);
        assert.equal(envelope.details?.reason, "unversioned_path", `§2.1: ${method} ${path}: details.reason`);
      }
    },
  },
  {
    id: "error-malformed-json",
    title: "A body that is not JSON, or not an object, gets 400 validation_error, never 5xx",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §2.2",
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const broken = await client.raw("POST", "/v1/runs", {
        body: '{"workflowId": "conformance-noop"',
        headers: { "content-type": "application/json" },
      });
      assertErrorEnvelope(
        assert,
        broken,
        { code: "validation_error" },
        '§2.2: POST /v1/runs with the truncated JSON body {"workflowId": "conformance-noop"',
      );
      const array = await client.raw("POST", "/v1/runs", {
        body: "[]",
        headers: { "content-type": "application/json" },
      });
      assertErrorEnvelope(assert, array, { code: "validation_error" }, "§2.2: POST /v1/runs with the JSON array []");
      const missing = await client.raw("POST", "/v1/runs", { body: {} });
      assertErrorEnvelope(assert, missing, { code: "validation_error" }, "§2.2: POST /v1/runs {} (no workflowId)");
    },
  },
  {
    id: "error-unknown-workflow",
    title: "Creating a run of an unknown workflow is refused with 400 (or 404) and the envelope",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §6.3",
    gate: always,
    async run(context) {
      const { client, note } = context;
      const assert: Assertions = context.assert;
      const response = await client.raw("POST", "/v1/runs", { body: { workflowId: "conformance-no-such-workflow" } });
      const envelope = assertErrorEnvelope(
        assert,
        response,
        { status: [400, 404] },
        '§6.3: POST /v1/runs {"workflowId":"conformance-no-such-workflow"}',
      );
      if (response.status === 404)
        note("unknown workflowId answered 404 (tolerated; core.md §6.3 prefers 400 validation_error)");
      else
        assert.equal(
          envelope.error,
          "validation_error",
          `§6.3: POST /v1/runs {"workflowId":"conformance-no-such-workflow"}: error code of the ${response.status} answer`,
        );
    },
  },
  {
    id: "error-unknown-run",
    title: "Unknown runs and unknown /v1 paths get 404 not_found with the envelope",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §6.8",
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const run = await client.raw("GET", "/v1/runs/run-that-does-not-exist");
      assertErrorEnvelope(
        assert,
        run,
        { code: "not_found" },
        "§6.8: GET /v1/runs/{runId} (runId run-that-does-not-exist)",
      );
      const poll = await client.raw("GET", "/v1/runs/run-that-does-not-exist/events/poll");
      assertErrorEnvelope(
        assert,
        poll,
        { code: "not_found" },
        "§6.8: GET /v1/runs/{runId}/events/poll (runId run-that-does-not-exist)",
      );
      const path = await client.raw("GET", "/v1/no-such-operation");
      assertErrorEnvelope(assert, path, { code: "not_found" }, "§6.8: GET /v1/no-such-operation (an unknown /v1 path)");
    },
  },
];
