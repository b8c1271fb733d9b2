import { randomUUID } from "node:crypto";
import type { RawResponse } from "@openwop/client";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { cancelQuietly } from "../lib/runs.js";
import type { Assertions } from "../runner/assertions.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

const REPLAY_HEADER = "openwop-idempotent-replay";

/** One `POST /v1/runs` of the idempotent fixture under `key`. */
export function postIdempotent(context: ScenarioContext, key: string, nonce: string): Promise<RawResponse> {
  return context.client.raw("POST", "/v1/runs", {
    headers: { "idempotency-key": key },
    body: { workflowId: "conformance-idempotent", inputs: { nonce } },
  });
}

/** Asserts a create (or its replay) succeeded and returns the run id; registers cleanup. */
export function acceptedRunId(
  context: ScenarioContext,
  assert: Assertions,
  response: RawResponse,
  label: string,
): string {
  assert.oneOf(response.status, [200, 201], `${label}: status`);
  assert.isObject(response.body, `${label}: body`);
  assert.isString(response.body.runId, `${label}: runId`);
  const runId = response.body.runId;
  context.defer(() => cancelQuietly(context, runId));
  return runId;
}

/** A fresh key per scenario, so runs of the suite never collide with each other. */
const freshKey = (label: string) => `conformance-${label}-${randomUUID()}`;

/** Replay answers are 200 or 201 by the contract; a body-less or foreign run id is a duplicate. */
function isTruthyReplayHeader(value: string | null): boolean {
  return value !== null && value.trim().toLowerCase() === "true";
}

export const idempotencyScenarios: readonly Scenario[] = [
  {
    id: "idempotency-replay",
    title: "The same key and body replay the first answer with openwop-Idempotent-Replay: true",
    profiles: ["openwop-core-standard", "openwop-production"],
    spec: "spec/v1/idempotency.md §2.6",
    alsoCites: ["spec/v1/production-profile.md §3.3"],
    gate: needsFixtures("conformance-idempotent"),
    async run(context) {
      const assert: Assertions = context.assert;
      const key = freshKey("replay");
      const nonce = randomUUID();
      const first = await postIdempotent(context, key, nonce);
      const request = "POST /v1/runs (a fresh Idempotency-Key, conformance-idempotent, one inputs.nonce)";
      assert.equal(first.status, 201, `§2.6: first ${request} under a new key: status`);
      const runId = acceptedRunId(context, assert, first, `§2.6: first ${request}`);
      assert.ok(
        !isTruthyReplayHeader(first.headers.get(REPLAY_HEADER)),
        `§2.6: first ${request}: the first answer must not carry ${REPLAY_HEADER}: true; header`,
        first.headers.get(REPLAY_HEADER),
      );
      const second = await postIdempotent(context, key, nonce);
      assert.equal(
        acceptedRunId(context, assert, second, `§2.6: repeated ${request}`),
        runId,
        `§2.6: repeated ${request}: runId (must name the first answer's run)`,
      );
      assert.ok(
        isTruthyReplayHeader(second.headers.get(REPLAY_HEADER)),
        `§2.6: repeated ${request}: the replay must carry ${REPLAY_HEADER}: true; header`,
        second.headers.get(REPLAY_HEADER),
      );
    },
  },
  {
    id: "idempotency-key-mismatch",
    title: "The same key with a different body gets 409 idempotency_key_mismatch without the cached run",
    profiles: ["openwop-core-standard", "openwop-production"],
    spec: "spec/v1/idempotency.md §2.7",
    alsoCites: ["spec/v1/production-profile.md §3.3"],
    gate: needsFixtures("conformance-idempotent"),
    async run(context) {
      const assert: Assertions = context.assert;
      const key = freshKey("mismatch");
      const first = await postIdempotent(context, key, randomUUID());
      const request = "POST /v1/runs (a fresh Idempotency-Key, conformance-idempotent)";
      const runId = acceptedRunId(context, assert, first, `§2.7: first ${request}`);
      const conflicting = await postIdempotent(context, key, randomUUID());
      const again = `§2.7: ${request} again with a different inputs.nonce`;
      assertErrorEnvelope(assert, conflicting, { code: "idempotency_key_mismatch" }, again);
      assert.ok(
        !conflicting.text.includes(runId),
        `${again}: the ${conflicting.status} body must not contain the cached run id of the first answer; body`,
        conflicting.text.slice(0, 300),
      );
    },
  },
  {
    id: "idempotency-concurrent",
    title: "Ten concurrent duplicates create exactly one run",
    profiles: ["openwop-core-standard", "openwop-production"],
    spec: "spec/v1/idempotency.md §2.8",
    alsoCites: ["spec/v1/production-profile.md §3.3"],
    gate: needsFixtures("conformance-idempotent"),
    async run(context) {
      const assert: Assertions = context.assert;
      const key = freshKey("concurrent");
      const nonce = randomUUID();
      const request =
        "§2.8: POST /v1/runs (a fresh Idempotency-Key, conformance-idempotent, one inputs.nonce) sent 10 times at once";
      const responses = await Promise.all(Array.from({ length: 10 }, () => postIdempotent(context, key, nonce)));
      const runIds = new Set<string>();
      responses.forEach((response, index) => {
        if (response.status === 409) {
          // The one legitimate refusal: the first request is still executing.
          assertErrorEnvelope(assert, response, { code: "idempotency_in_flight" }, `${request}: request ${index}`);
        } else {
          runIds.add(acceptedRunId(context, assert, response, `${request}: request ${index}`));
        }
      });
      assert.equal(
        runIds.size,
        1,
        `${request}: distinct runIds answered (${[...runIds].join(", ")}; statuses ${responses.map((response) => response.status).join(", ")})`,
      );
    },
  },
  {
    id: "idempotency-sequential-retries",
    title: "Five back-to-back retries of one request create one run",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/idempotency.md §2.11",
    gate: needsFixtures("conformance-idempotent"),
    async run(context) {
      const assert: Assertions = context.assert;
      const key = freshKey("retries");
      const nonce = randomUUID();
      const request = "§2.11: POST /v1/runs (a fresh Idempotency-Key, conformance-idempotent, one inputs.nonce)";
      const runIds = new Set<string>();
      for (let attempt = 0; attempt < 6; attempt += 1) {
        runIds.add(
          acceptedRunId(context, assert, await postIdempotent(context, key, nonce), `${request}, attempt ${attempt}`),
        );
      }
      assert.equal(
        runIds.size,
        1,
        `${request} sent once and retried five times in sequence: distinct runIds answered (${[...runIds].join(", ")})`,
      );
    },
  },
];
