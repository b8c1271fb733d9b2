import { basename } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_FIXTURES } from "@openwop/core";
import { bearer, expectErrorEnvelope, request, RunProbe } from "@openwop/server/testing";
import {
  BODY_FIRST_ROUTES,
  expectBodyRules,
  expectDocumentedRefusal,
  expectOneSoundAnswer,
  expectParamRules,
  expectQueryRules,
} from "./assertions.js";
import { materializeBody, type BodySpec, type FuzzTargets } from "./bodies.js";
import { budget, checkProperty, fuzzConfig } from "./config.js";
import { startFuzzHost, type FuzzHost, type HostKind } from "./hosts.js";
import { checkRawCase, rawCaseArb } from "./raw-framing.js";
import { caseArb, wireRequestOf, withDescription, type FuzzCase, type PathParam } from "./requests.js";
import {
  documentedErrorsOf,
  queryNamesFor,
  routesOf,
  scannedQueryNames,
  WAITING_PARAMS,
  type DocumentedErrors,
  type RouteSpec,
} from "./routes.js";
import { poisonedString } from "./strings.js";
import { send, wireRequestCount } from "./wire.js";

/** How the per-host budget is spent: a mixed sweep of every route, then one variable at a time. */
const WEIGHTS = { routes: 34, concurrent: 6, bodies: 18, params: 14, headers: 10, query: 10, raw: 8 } as const;

/** Requests in flight at once in the concurrent property: enough to overlap storage writes, far below any cap. */
const BATCH = 8;

/** The real resources the fuzzer aims some requests at, created before fuzzing. */
async function seedTargets(host: FuzzHost): Promise<FuzzTargets> {
  const auth = bearer(host.apiKey);
  const discovery = await request(host.url, "/.well-known/openwop");
  expect(discovery.status, discovery.text).toBe(200);
  const limits = ((discovery.json as { limits?: Record<string, unknown> }).limits ?? {}) as Record<string, unknown>;
  const webhook = await request(host.url, "/v1/webhooks", {
    method: "POST",
    headers: auth,
    body: { url: "http://127.0.0.1:9/fuzz", events: ["run.completed", "run.failed"] },
  });
  expect(webhook.status, webhook.text).toBe(201);
  const webhookId = (webhook.json as { webhookId: string }).webhookId;
  const stableWebhook = await request(host.url, "/v1/webhooks", {
    method: "POST",
    headers: auth,
    body: { url: "http://127.0.0.1:9/stable", events: ["run.completed"] },
  });
  expect(stableWebhook.status, stableWebhook.text).toBe(201);
  const probe = new RunProbe(() => host.url, host.apiKey);
  const runIds = [
    await probe.create("conformance-noop"),
    await probe.create("conformance-noop"),
    await probe.create("conformance-failure"),
  ];
  for (const runId of runIds) await probe.waitFor(runId, ["completed", "failed"], 20_000);
  const deliveries = await request(host.url, `/v1/webhooks/${webhookId}/deliveries`, { headers: auth });
  expect(deliveries.status, deliveries.text).toBe(200);
  const deliveryIds = (deliveries.json as { deliveries: Array<{ deliveryId: string }> }).deliveries.map(
    (d) => d.deliveryId,
  );
  // A key of its own to rotate and revoke: the bootstrap key must survive the fuzzing.
  const victim = await request(host.url, "/v1/keys", {
    method: "POST",
    headers: auth,
    body: { scopes: ["runs:read"], label: "fuzz target" },
  });
  expect(victim.status, victim.text).toBe(201);
  return {
    apiKey: host.apiKey,
    known: {
      runId: runIds,
      keyId: [(victim.json as { keyId: string }).keyId],
      webhookId: [webhookId],
      deliveryId: deliveryIds.length > 0 ? deliveryIds : ["dlv_none"],
      nodeId: ["noop", "fail", "gate", "ask"],
      workflowId: CONFORMANCE_FIXTURES.map((workflow) => workflow.id),
    },
    stable: {
      runId: runIds,
      webhookId: [(stableWebhook.json as { webhookId: string }).webhookId],
    },
    maxJsonDepth: typeof limits["maxJsonDepth"] === "number" ? limits["maxJsonDepth"] : 64,
    maxRequestBodyBytes: typeof limits["maxRequestBodyBytes"] === "number" ? limits["maxRequestBodyBytes"] : 1_048_576,
  };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The minimal body a route accepts, for properties that vary something else. */
function plainBody(method: string, route: RouteSpec): fc.Arbitrary<BodySpec> {
  if (method !== "POST") return fc.constant({ kind: "none" });
  if (route.template.endsWith("/interrupts/{nodeId}"))
    return fc.constant({ kind: "json", value: { resumeValue: { action: "accept" } } });
  if (route.template === "/v1/runs") return fc.constant({ kind: "json", value: { workflowId: "conformance-noop" } });
  if (route.template === "/v1/keys") return fc.constant({ kind: "json", value: { scopes: ["runs:read"] } });
  if (route.template === "/v1/webhooks")
    return fc.constant({ kind: "json", value: { url: "http://127.0.0.1:9/h", events: ["run.completed"] } });
  return fc.constant({ kind: "json", value: {} });
}

/**
 * The fuzz suite for one host: start it in process, create real resources, send a few thousand
 * generated requests over loopback sockets (each checked by the oracle), then check the host
 * is still ready and still completes a run.
 */
export function describeFuzzSuite(kind: HostKind, testFile: string): void {
  const config = fuzzConfig();
  const runs = budget(config.runsPerHost, WEIGHTS);
  const file = `fuzz/src/${basename(testFile)}`;
  // Each property drives requests one after another; its budget of time is generous so a loaded machine does not fail it.
  const propertyTimeout = 150_000;

  describe(`fuzz: ${kind} host`, () => {
    let host: FuzzHost;
    let targets: FuzzTargets;
    let routes: RouteSpec[];
    let queryNames: string[];
    let documented: DocumentedErrors;
    let sentBefore = 0;
    let startedAt = 0;
    let propertiesFailed = 0;

    /** A property that failed stopped early; the request count is then not checked (its failure says why). */
    const fuzz: typeof checkProperty = async (...args) => {
      try {
        await checkProperty(...args);
      } catch (error) {
        propertiesFailed++;
        throw error;
      }
    };

    beforeAll(async () => {
      host = await startFuzzHost(kind);
      targets = await seedTargets(host);
      const openapi = await request(host.url, "/v1/openapi.json");
      expect(openapi.status, openapi.text).toBe(200);
      routes = routesOf(openapi.json);
      documented = documentedErrorsOf(openapi.json);
      queryNames = scannedQueryNames();
      sentBefore = wireRequestCount();
      startedAt = Date.now();
    }, 120_000);

    afterAll(async () => {
      await host?.close();
    }, 60_000);

    /** Sends one case and applies the general rules; returns what the targeted rules need. */
    const exchangeCase = async (fuzzCase: FuzzCase) => {
      const facts = materializeBody(fuzzCase.body);
      const outcome = await send(host.hostname, host.port, wireRequestOf(fuzzCase, facts.bytes), config.timeoutMs);
      return { facts, result: expectOneSoundAnswer(outcome, fuzzCase.method) };
    };

    it(
      "every route and method: no 5xx, every 4xx in the envelope",
      async () => {
        await fuzz(
          "every route and method",
          file,
          caseArb(routes, queryNames, targets, { offRoute: true }),
          async (fuzzCase) => {
            // The general rules only: this sweep varies everything at once, so no targeted rule is exact here.
            await exchangeCase(fuzzCase);
          },
          runs.routes,
          config,
        );
      },
      propertyTimeout,
    );

    it(
      "bodies: depth, NUL and lone surrogates, size and UTF-8 rules",
      async () => {
        const posts = routes.filter((route) => route.methods.includes("POST"));
        // The body-first routes get most of the budget: only there are the body rules exact.
        const weighted = [
          ...posts,
          ...posts
            .filter((route) => BODY_FIRST_ROUTES.has(`POST ${route.template}`))
            .flatMap((route) => [route, route, route]),
        ];
        await fuzz(
          "bodies",
          file,
          caseArb(routes, queryNames, targets, {
            routes: weighted,
            ownMethods: true,
            noQuery: true,
            jsonContentType: true,
            plain: true,
          }).filter((c) => c.method === "POST"),
          async (fuzzCase) => {
            const { facts, result } = await exchangeCase(fuzzCase);
            expectBodyRules(fuzzCase, facts, result, targets);
            expectDocumentedRefusal(fuzzCase, result, documented);
          },
          runs.bodies,
          config,
        );
      },
      propertyTimeout,
    );

    it(
      "path parameters: 400 naming a bad one, 404 for an unknown one",
      async () => {
        await fuzz(
          "path parameters",
          file,
          caseArb(routes, queryNames, targets, {
            routes: routes.filter((route) => route.params.length > 0),
            ownMethods: true,
            noQuery: true,
            goodAuth: true,
            plain: true,
            jsonContentType: true,
            body: plainBody,
          }),
          async (fuzzCase) => {
            const { result } = await exchangeCase(fuzzCase);
            expectParamRules(fuzzCase, result, targets);
            expectDocumentedRefusal(fuzzCase, result, documented);
          },
          runs.params,
          config,
        );
      },
      propertyTimeout,
    );

    it(
      "headers: Authorization, Content-Type, Idempotency-Key, Last-Event-ID, traceparent junk",
      async () => {
        await fuzz(
          "headers",
          file,
          caseArb(routes, queryNames, targets, { ownMethods: true, noQuery: true, body: plainBody }),
          async (fuzzCase) => {
            await exchangeCase(fuzzCase);
          },
          runs.headers,
          config,
        );
      },
      propertyTimeout,
    );

    it(
      "query parameters: junk, NUL, repeats, control characters refused",
      async () => {
        const withQuery = routes.filter((route) => queryNamesFor(route.template, queryNames).own.length > 0);
        const arbitrary = caseArb(routes, queryNames, targets, {
          routes: withQuery,
          ownMethods: true,
          goodAuth: true,
          plain: true,
          jsonContentType: true,
          body: plainBody,
          // Only ids no other request deletes: a 404 for a vanished webhook would mask the 400.
          param: (name) =>
            fc
              .constantFrom(...(targets.stable[name] ?? ["none"]))
              .map((id): PathParam => ({ encoded: id, verdict: "valid", known: true })),
        })
          // The routes read their query on GET only.
          .filter((fuzzCase) => fuzzCase.method === "GET")
          .chain((fuzzCase) => {
            const own = queryNamesFor(fuzzCase.route, queryNames).own;
            // Half the time exactly one of the route's own parameters holding poison, so the control-character rule is asserted.
            return fc.oneof(
              fc.constant(fuzzCase),
              fc
                .tuple(fc.constantFrom(...own), poisonedString)
                // Never a value a waiting parameter would read as a long wait.
                .filter(([name, value]) => !(WAITING_PARAMS.has(name) && Number(value) > 0))
                .map(([name, value]) =>
                  withDescription({ ...fuzzCase, query: [[name, value] as const], rawQuery: "" }),
                ),
            );
          });
        await fuzz(
          "query parameters",
          file,
          arbitrary,
          async (fuzzCase) => {
            const { result } = await exchangeCase(fuzzCase);
            expectQueryRules(fuzzCase, queryNamesFor(fuzzCase.route, queryNames).own, result, targets);
            expectDocumentedRefusal(fuzzCase, result, documented);
          },
          runs.query,
          config,
        );
      },
      propertyTimeout,
    );

    it(
      "concurrent batches of mixed requests: no 5xx, every 4xx in the envelope",
      async () => {
        await fuzz(
          "concurrent batches",
          file,
          fc.array(caseArb(routes, queryNames, targets), { minLength: BATCH, maxLength: BATCH }),
          async (batch) => {
            // Each case is checked on its own; the batch only makes them overlap on the host.
            const outcomes = await Promise.allSettled(batch.map((fuzzCase) => exchangeCase(fuzzCase)));
            const failure = outcomes.findIndex((outcome) => outcome.status === "rejected");
            const rejected = outcomes[failure];
            if (rejected?.status === "rejected") {
              const reason = rejected.reason instanceof Error ? rejected.reason.message : String(rejected.reason);
              throw new Error(`request ${failure + 1} of the batch: ${reason}`);
            }
          },
          // The budget counts requests, a batch is BATCH of them.
          Math.max(1, Math.round(runs.concurrent / BATCH)),
          config,
        );
      },
      propertyTimeout,
    );

    it(
      "raw framing over node:net: a 4xx envelope or a clean close, and the host answers afterwards",
      async () => {
        await fuzz(
          "raw framing",
          file,
          rawCaseArb(targets),
          (rawCase) => checkRawCase(rawCase, host.hostname, host.port, config.timeoutMs),
          runs.raw,
          config,
        );
      },
      propertyTimeout,
    );

    it("a body over the limit gets the 413 envelope, readable by Node's fetch", async () => {
      for (const size of [
        targets.maxRequestBodyBytes + 1,
        2 * targets.maxRequestBodyBytes,
        8 * targets.maxRequestBodyBytes,
      ]) {
        const blob = "x".repeat(size);
        const result = await request(host.url, "/v1/runs", {
          method: "POST",
          headers: bearer(host.apiKey),
          body: { workflowId: "conformance-noop", metadata: { blob } },
        });
        expectErrorEnvelope(result, 413, "validation_error");
      }
      // Streamed (chunked, no Content-Length): the limit must hold while reading, and fetch still read the answer.
      const piece = new TextEncoder().encode("x".repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > 4 * targets.maxRequestBodyBytes) return controller.close();
          sent += piece.length;
          controller.enqueue(piece);
        },
      });
      const response = await fetch(`${host.url}/v1/runs`, {
        method: "POST",
        headers: { ...bearer(host.apiKey), "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      const text = await response.text();
      expectErrorEnvelope(
        { status: response.status, headers: response.headers, text, json: parseOrUndefined(text) },
        413,
        "validation_error",
      );
    });

    it("afterwards the host is ready and still completes a run", async () => {
      const ready = await request(host.url, "/readyz");
      expect(ready.status, ready.text).toBe(200);
      const probe = new RunProbe(() => host.url, host.apiKey);
      const runId = await probe.create("conformance-noop");
      expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 20_000)).toBe("completed");
      const sent = wireRequestCount() - sentBefore;
      console.info(`fuzz ${kind}: ${sent} requests over the wire in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      // The whole budget was spent.
      if (!process.env["FUZZ_PATH"] && propertiesFailed === 0) expect(sent).toBeGreaterThanOrEqual(config.runsPerHost);
    });
  });
}
