import type { Assertions } from "../runner/assertions.js";
import { randomUUID } from "node:crypto";
import { discoveryValue, allOf, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";
import { acceptedRunId, postIdempotent } from "./idempotency.js";

const production = whenAdvertised("production.supported", productionAdvertised);

export const productionProfileScenarios: readonly Scenario[] = [
  {
    id: "production-capability-block",
    title: "The production block advertises backpressure, a ≥ 7-day retention window and truncation metadata",
    profiles: ["openwop-production"],
    spec: "spec/v1/production-profile.md §4.2",
    gate: production,
    async run(context) {
      const { discovery } = context;
      const assert: Assertions = context.assert;
      const value = (path: string) => discoveryValue(discovery, path);
      assert.equal(value("production.backpressure.supported"), true, "production.backpressure.supported");
      const cap = value("production.backpressure.inflightCap");
      assert.ok(
        typeof cap === "number" && Number.isInteger(cap) && cap >= 1,
        "production-profile.md §4.2: GET /.well-known/openwop: production.backpressure.inflightCap must be an integer ≥ 1",
        cap,
      );
      const retryAfter = value("production.backpressure.retryAfterSeconds");
      assert.ok(
        typeof retryAfter === "number" && Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= 86_400,
        "production-profile.md §4.2: GET /.well-known/openwop: production.backpressure.retryAfterSeconds must be an " +
          "integer in 0..86400",
        retryAfter,
      );
      assert.equal(value("production.retention.supported"), true, "production.retention.supported");
      const window = value("production.retention.minWindowSeconds");
      assert.ok(
        typeof window === "number" && window >= 604_800,
        "production-profile.md §4.2: GET /.well-known/openwop: production.retention.minWindowSeconds must be at " +
          "least 604800 (seven days)",
        window,
      );
      assert.equal(
        value("production.debugBundle.truncationMetadata"),
        true,
        "production.debugBundle.truncationMetadata",
      );
      assert.equal(value("idempotency.supported"), true, "idempotency.supported");
      const layer1 = value("idempotency.layer1RetentionSeconds");
      assert.ok(
        typeof layer1 === "number" && layer1 >= 86_400,
        "production-profile.md §4.2: GET /.well-known/openwop: idempotency.layer1RetentionSeconds must be at least " +
          "86400 (24 h)",
        layer1,
      );
    },
  },
  {
    id: "idempotency-retry",
    title: "Six retries of one keyed request, 100 ms apart, create exactly one run",
    profiles: ["openwop-production"],
    spec: "spec/v1/idempotency.md §2.11",
    alsoCites: ["spec/v1/production-profile.md §3.3"],
    gate: allOf(production, needsFixtures("conformance-idempotent")),
    async run(context) {
      const assert: Assertions = context.assert;
      const key = `conformance-retry-${randomUUID()}`;
      const nonce = randomUUID();
      const runIds = new Set<string>();
      for (let attempt = 0; attempt < 6; attempt += 1) {
        if (attempt > 0) await context.sleep(100);
        runIds.add(acceptedRunId(context, assert, await postIdempotent(context, key, nonce), `attempt ${attempt}`));
      }
      assert.equal(runIds.size, 1, "distinct runs created by one request and five spaced retries");
    },
  },
];
