import type { Assertions } from "../runner/assertions.js";
import { WireError, type OpenedEventStream, type RawResponse } from "@openwop/client";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { startRun } from "../lib/runs.js";
import { allOf, discoveryValue, needsFixtures, productionAdvertised, whenAdvertised } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

/** Most runs the scenario creates to host its streams; streams share runs beyond that. */
const MAX_RUNS = 8;

/** A 503 seen either when opening a stream or when creating a run, as a raw response. */
function refusalOf(error: unknown): RawResponse | undefined {
  if (!(error instanceof WireError) || error.status !== 503) return undefined;
  return { status: error.status, headers: error.headers, body: error.body, text: JSON.stringify(error.body ?? null) };
}

export const productionBackpressureScenarios: readonly Scenario[] = [
  {
    id: "production-backpressure",
    title:
      "With inflightCap streams open the next request gets 503 service_unavailable and a matching Retry-After; discovery stays 200",
    profiles: ["openwop-production"],
    spec: "spec/v1/production-profile.md §3.2",
    timeoutMs: 90_000,
    gate: allOf(whenAdvertised("production.supported", productionAdvertised), needsFixtures("conformance-cancellable")),
    async run(context: ScenarioContext) {
      const { client, discovery } = context;
      const assert: Assertions = context.assert;
      assert.equal(
        discoveryValue(discovery, "production.backpressure.supported"),
        true,
        "production hosts advertise backpressure",
      );
      const cap = discoveryValue(discovery, "production.backpressure.inflightCap");
      if (typeof cap !== "number")
        return context.skip("production.backpressure.inflightCap not advertised, so saturation cannot be forced", true);
      const advertisedRetryAfter = discoveryValue(discovery, "production.backpressure.retryAfterSeconds");

      // P2 counts requests in flight, and an open stream is one for as long as it is open:
      // hold `cap` streams (none may be refused), then the next request must get the 503.
      const runIds: string[] = [];
      for (let index = 0; index < Math.min(cap, MAX_RUNS); index += 1) {
        runIds.push(await startRun(context, "conformance-cancellable", { delayMs: 60_000 }));
      }
      const holders = new AbortController();
      context.defer(() => holders.abort());
      const streams: OpenedEventStream[] = [];
      // Each held stream is drained in the background, so a host that ends one early (which
      // frees its slot) is named in the failure instead of looking like a miscounted cap.
      let endedByHost = 0;
      const hold = (stream: OpenedEventStream): OpenedEventStream => {
        void (async () => {
          try {
            for await (const frame of stream) void frame;
            if (!holders.signal.aborted) endedByHost += 1;
          } catch {
            if (!holders.signal.aborted) endedByHost += 1;
          }
        })();
        return stream;
      };
      for (let index = 0; index < cap; index += 1) {
        try {
          streams.push(
            hold(await client.openEventStream(runIds[index % runIds.length] as string, { signal: holders.signal })),
          );
        } catch (error) {
          if (refusalOf(error) !== undefined)
            assert.fail(
              `stream ${index + 1} of ${cap} was refused with 503: a host must not shed load below its inflightCap`,
            );
          throw error;
        }
      }
      let refusal: RawResponse;
      try {
        streams.push(await client.openEventStream(runIds[0] as string, { signal: holders.signal }));
        refusal = await client.raw("POST", "/v1/runs", {
          body: { workflowId: "conformance-cancellable", inputs: { delayMs: 60_000 } },
        });
        const createdId = (refusal.body as { runId?: unknown } | undefined)?.runId;
        if (typeof createdId === "string") context.defer(() => client.cancelRun(createdId).catch(() => undefined));
        const early = endedByHost > 0 ? ` (the host had already ended ${endedByHost} of the held streams)` : "";
        assert.fail(
          `with ${cap} streams open, stream ${cap + 1} was accepted and POST /v1/runs answered ${refusal.status}; expected 503${early}`,
        );
      } catch (error) {
        const seen = refusalOf(error);
        if (seen === undefined) throw error;
        refusal = seen;
      }
      const envelope = assertErrorEnvelope(
        assert,
        refusal,
        { code: "service_unavailable" },
        `work beyond inflightCap ${cap}`,
      );
      const header = refusal.headers.get("retry-after");
      assert.match(header, /^\d+$/, "Retry-After header in seconds");
      assert.equal(envelope.details?.retryAfter, Number(header), "details.retryAfter equals the Retry-After header");
      if (typeof advertisedRetryAfter === "number") {
        assert.equal(Number(header), advertisedRetryAfter, "Retry-After equals the advertised retryAfterSeconds");
      }
      const createWhileSaturated = await client.raw("POST", "/v1/runs", {
        body: { workflowId: "conformance-cancellable", inputs: { delayMs: 60_000 } },
      });
      assert.equal(createWhileSaturated.status, 503, "POST /v1/runs while the cap is reached");
      assert.equal(createWhileSaturated.headers.get("retry-after"), header, "the same Retry-After on every refusal");
      const discoveryWhileSaturated = await client.raw("GET", "/.well-known/openwop", { auth: false });
      assert.equal(discoveryWhileSaturated.status, 200, "discovery is exempt from backpressure");
      const openapiWhileSaturated = await client.raw("GET", "/v1/openapi.json", { auth: false });
      assert.equal(openapiWhileSaturated.status, 200, "the OpenAPI document is exempt from backpressure");

      holders.abort();
    },
  },
];
