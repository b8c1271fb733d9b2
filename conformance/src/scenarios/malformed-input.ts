import { keyPath, revokeQuietly } from "../lib/keys.js";
import {
  acceptance,
  invalidUtf8,
  namesField,
  paddedJson,
  refusal,
  refusalOrIgnored,
  runProbes,
  type Probe,
  type ProbeAnswer,
  type ProbeExpectation,
} from "../lib/probes.js";
import { startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
import { deleteQuietly, QUIET_WEBHOOK_URL, registerWebhook, uniqueTag, webhookPath } from "../lib/webhooks.js";
import {
  always,
  discoveryValue,
  needsDurableWebhooks,
  needsFixtures,
  needsKeys,
  needsWebhooks,
  whenAdvertised,
} from "../runner/gates.js";
import type { Assertions } from "../runner/assertions.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

/**
 * The malformed-input battery: for every route the suite knows, bodies of the wrong
 * top-level type, members of the wrong type, unknown members, bodies and strings beyond
 * their bounds, bodies that are not UTF-8, bad query parameters, headers and path ids.
 * Each scenario asserts only what the contract requires of every host (a refusal with the
 * envelope, or tolerance where the contract lets a host ignore the fault) and never a 5xx;
 * its failure lists every request answered wrongly, with what came back.
 */

const CORE = ["openwop-core-standard"] as const;
const runPath = (runId: string) => `/v1/runs/${encodeURIComponent(runId)}`;

/** A member name no feature of any host uses (core.md §6.1 allows only advertised features' members). */
const UNKNOWN_MEMBER = "openwopConformanceUnknownMember";

/** Probes that send `bodies` to one route, each expecting `expect`. */
function bodyProbes(
  method: "POST",
  path: string,
  bodies: ReadonlyArray<readonly [string, Probe["body"], ProbeExpectation?]>,
  expect: ProbeExpectation,
): Probe[] {
  return bodies.map(([sent, body, own]) => ({
    sent,
    method,
    path,
    ...(body === undefined ? {} : { body }),
    expect: own ?? expect,
  }));
}

/** Stands for the bytes that are not UTF-8 in the valid body given to {@link notUtf8}. */
const NOT_UTF8 = "@@not-utf-8@@";

/** Bodies that are not JSON objects, or not JSON at all: refused by core.md §2.2 on every route with a JSON body. */
function notAnObject(valid: Readonly<Record<string, unknown>>): Array<readonly [string, Probe["body"]]> {
  return [
    ["body `null`", { json: null }],
    ['a JSON string body `"x"`', { json: "x" }],
    ["a JSON number body `42`", { json: 42 }],
    ["a JSON boolean body `true`", { json: true }],
    ["a JSON array body holding a valid request", { json: [valid] }],
    ["truncated JSON", { text: JSON.stringify(valid).slice(0, -1) }],
  ];
}

/**
 * A body whose bytes are not UTF-8, so not JSON (core.md §2.2). `carrier` is a valid body with
 * {@link NOT_UTF8} in a free-text string, where a host that decoded leniently (replacing the bad
 * bytes) would find nothing else to refuse.
 */
function notUtf8(carrier: Readonly<Record<string, unknown>>): readonly [string, Probe["body"]] {
  const [before = "", after = ""] = JSON.stringify(carrier).split(NOT_UTF8);
  return ["a valid body with bytes that are not UTF-8 (0xFF 0xFE) in a string", { bytes: invalidUtf8(before, after) }];
}

/** A completed conformance-noop run: a target for run-scoped probes that changes nothing if a probe is wrongly accepted. */
async function finishedNoopRun(context: ScenarioContext): Promise<string> {
  const runId = await startRun(context, "conformance-noop");
  await waitForTerminal(context, runId);
  return runId;
}

/** Path segments no host issues as an id: too long, or holding control characters or bytes that are not UTF-8. */
const JUNK_IDS: ReadonlyArray<readonly [string, string]> = [
  ["an id of 300 characters", "r".repeat(300)],
  ["an id holding a NUL byte (%00)", "run%00x"],
  ["an id holding a line feed (%0A)", "run%0Ax"],
  ["an id holding DEL (%7F)", "run%7Fx"],
  ["an id whose percent-encoded bytes are not UTF-8 (%FF%FE)", "run%FF%FE"],
];

/** For answers of a lax host that created something: its id, so cleanup can remove it. */
function createdIds(answers: readonly ProbeAnswer[], member: string): string[] {
  return answers.flatMap(({ response }) => {
    const value = (response?.body as Record<string, unknown> | undefined)?.[member];
    return response !== undefined && response.status < 300 && typeof value === "string" ? [value] : [];
  });
}

const integerOrUndefined = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : undefined;

/** Above this an advertised body limit is not probed: sending it would cost more than the battery's budget. */
const LARGEST_PROBED_LIMIT = 32 * 1024 * 1024;
/** What a host that advertises no limit is sent: the size of the issue that started this battery. */
const UNADVERTISED_PROBE_BYTES = 12 * 1024 * 1024;

export const malformedInputScenarios: readonly Scenario[] = [
  {
    id: "malformed-run-body",
    title: "POST /v1/runs with a body that is null, a scalar, an array, truncated, empty or not UTF-8 gets 400",
    profiles: CORE,
    spec: "spec/v1/core.md §2.2",
    alsoCites: ["spec/v1/core.md §6.3"],
    gate: always,
    async run(context) {
      const valid = { workflowId: "conformance-noop" };
      await runProbes(context, "POST /v1/runs", [
        ...bodyProbes(
          "POST",
          "/v1/runs",
          [...notAnObject(valid), notUtf8({ ...valid, metadata: { note: `note ${NOT_UTF8}` } })],
          refusal(),
        ),
        ...bodyProbes(
          "POST",
          "/v1/runs",
          [
            ["an empty body", { text: "" }],
            ["a body of whitespace", { text: "  \n" }],
            ["two JSON objects in a row", { text: `${JSON.stringify(valid)}${JSON.stringify(valid)}` }],
            [
              "bytes that are not UTF-8 (0xFF 0xFE) in the scopeId string",
              { bytes: invalidUtf8('{"workflowId":"conformance-noop","scopeId":"scope-', '"}') },
            ],
          ],
          refusal(),
        ),
      ]);
    },
  },
  {
    id: "malformed-run-members",
    title:
      "POST /v1/runs with members of the wrong type, unknown members or beyond §6.1's bounds gets 400 naming the field",
    profiles: CORE,
    spec: "spec/v1/core.md §6.3",
    alsoCites: ["spec/v1/core.md §6.1", "spec/v1/core.md §11.1"],
    gate: always,
    async run(context) {
      const members: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
        ["workflowId 7", { workflowId: 7 }, "workflowId"],
        ["workflowId null", { workflowId: null }, "workflowId"],
        ['workflowId ""', { workflowId: "" }, "workflowId"],
        ['inputs "x" (a string)', { inputs: "x" }, "inputs"],
        ["inputs null", { inputs: null }, "inputs"],
        ["inputs [1] (an array)", { inputs: [1] }, "inputs"],
        ['configurable "x"', { configurable: "x" }, "configurable"],
        ["configurable [] (an array)", { configurable: [] }, "configurable"],
        ['configurable.recursionLimit "5" (a string)', { configurable: { recursionLimit: "5" } }, "recursionLimit"],
        ['tags "a" (a string)', { tags: "a" }, "tags"],
        ["tags [1]", { tags: [1] }, "tags"],
        ["tags null", { tags: null }, "tags"],
        ["101 tags", { tags: Array.from({ length: 101 }, (_, index) => `t${index}`) }, "tags"],
        ["a tag of 257 characters", { tags: ["t".repeat(257)] }, "tags"],
        ['metadata "x"', { metadata: "x" }, "metadata"],
        ["metadata [] (an array)", { metadata: [] }, "metadata"],
        ["metadata of 9000 bytes", { metadata: { blob: "m".repeat(9_000) } }, "metadata"],
        ["metadata nested 8 deep", { metadata: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } }, "metadata"],
        ["scopeId 5", { scopeId: 5 }, "scopeId"],
        ["callbackUrl 5", { callbackUrl: 5 }, "callbackUrl"],
        [`an unknown member ${UNKNOWN_MEMBER}`, { [UNKNOWN_MEMBER]: true }, UNKNOWN_MEMBER],
      ];
      const probes: Probe[] = members.map(([sent, extra, field]) => ({
        sent,
        method: "POST",
        path: "/v1/runs",
        body: { json: { workflowId: "conformance-noop", ...extra } },
        expect: refusal("validation_error", 400, namesField(field)),
      }));
      // Strings a host may store or refuse, but must not fail on (core.md §6.3: validate before creating anything).
      for (const [sent, extra] of [
        ["a scopeId holding a NUL character", { scopeId: "scope\u0000x" }],
        ["a tag holding a lone surrogate (\\ud800)", { tags: ["tag-\ud800"] }],
      ] as const) {
        probes.push({
          sent,
          method: "POST",
          path: "/v1/runs",
          body: { json: { workflowId: "conformance-noop", ...extra } },
          expect: refusalOrIgnored([201], ["validation_error"]),
        });
      }
      // An advertised nesting limit is a promise (core.md §11.1); configurable's opaque keys carry the nesting.
      const maxDepth = integerOrUndefined(discoveryValue(context.discovery, "limits.maxJsonDepth"));
      if (maxDepth === undefined) context.note("limits.maxJsonDepth not advertised: no nesting limit checked");
      else {
        let deep: unknown = 1;
        for (let level = 0; level < maxDepth + 8; level += 1) deep = { d: deep };
        probes.push({
          sent: `configurable nested ${maxDepth + 8} deep (limits.maxJsonDepth ${maxDepth})`,
          method: "POST",
          path: "/v1/runs",
          body: { json: { workflowId: "conformance-noop", configurable: { "x-openwop-conformance": deep } } },
          expect: refusal("validation_error", 400, (envelope) =>
            envelope.details?.maxDepth === maxDepth ? undefined : `details.maxDepth is not ${maxDepth}`,
          ),
        });
      }
      await runProbes(context, "POST /v1/runs members", probes);
    },
  },
  {
    id: "malformed-run-query-and-headers",
    title:
      "Poll cursors and timeouts, Last-Event-ID and Idempotency-Key that break their grammar get 400; a bad traceparent is ignored",
    profiles: CORE,
    spec: "spec/v1/stream-modes.md §4.1",
    alsoCites: ["spec/v1/stream-modes.md §2.6", "spec/v1/idempotency.md §2.2", "spec/v1/observability.md §2.1"],
    gate: always,
    async run(context) {
      const runId = await finishedNoopRun(context);
      const poll = `${runPath(runId)}/events/poll`;
      const probes: Probe[] = [];
      for (const [parameter, value] of [
        ["lastSequence", "abc"],
        ["lastSequence", "1.5"],
        ["lastSequence", "-2"],
        ["since", "abc"],
        ["timeout", "abc"],
        ["timeout", "0"],
        ["timeout", "2.5"],
        ["timeout", "-1"],
      ] as const) {
        probes.push({
          sent: `query ${parameter}=${JSON.stringify(value)}`,
          method: "GET",
          path: `${poll}?${parameter}=${encodeURIComponent(value)}`,
          expect: refusal("validation_error", 400, namesField(parameter)),
        });
      }
      // stream-modes.md §4.1: above 60 is treated as 60, never refused (the run is terminal, so no wait).
      probes.push({ sent: "query timeout=61", method: "GET", path: `${poll}?timeout=61`, expect: acceptance([200]) });
      for (const value of ["abc", "-1", "1.5", "0x1"]) {
        probes.push({
          sent: `Last-Event-ID ${JSON.stringify(value)}`,
          method: "GET",
          path: `${runPath(runId)}/events`,
          headers: { accept: "text/event-stream", "last-event-id": value },
          expect: refusal(),
        });
      }
      const idempotencyField = (envelope: { details?: Readonly<Record<string, unknown>> }) =>
        String(envelope.details?.field).toLowerCase() === "idempotency-key"
          ? undefined
          : 'details.field is not "Idempotency-Key"';
      for (const [sent, value] of [
        ["an empty Idempotency-Key", ""],
        ["an Idempotency-Key of 256 characters", "k".repeat(256)],
        ["an Idempotency-Key holding spaces", "has spaces"],
        ["an Idempotency-Key holding a non-ASCII character", "caf\u00e9"],
      ] as const) {
        probes.push({
          sent,
          method: "POST",
          path: "/v1/runs",
          body: { json: { workflowId: "conformance-noop" } },
          headers: { "idempotency-key": value },
          expect: refusal("validation_error", 400, idempotencyField),
        });
      }
      probes.push({
        sent: "an Idempotency-Key of 256 characters",
        method: "POST",
        path: `${runPath(runId)}/cancel`,
        headers: { "idempotency-key": "k".repeat(256) },
        expect: refusal("validation_error", 400, idempotencyField),
      });
      // observability.md §2.1: a malformed traceparent is ignored, never an error.
      probes.push(
        {
          sent: "a malformed traceparent",
          method: "POST",
          path: "/v1/runs",
          body: { json: { workflowId: "conformance-noop" } },
          headers: { traceparent: "not-a-trace-context" },
          expect: acceptance([201]),
        },
        {
          sent: "a traceparent of the wrong version and length",
          method: "GET",
          path: runPath(runId),
          headers: { traceparent: "ff-00-00-00" },
          expect: acceptance([200]),
        },
      );
      // core.md §2.2 names the media type but not the answer to another: refusing or reading it are both allowed.
      probes.push({
        sent: "Content-Type text/plain",
        method: "POST",
        path: "/v1/runs",
        body: { text: JSON.stringify({ workflowId: "conformance-noop" }) },
        headers: { "content-type": "text/plain" },
        expect: refusalOrIgnored([201], ["validation_error", "unsupported_media_type"]),
      });
      await runProbes(context, "run queries and headers", probes);
    },
  },
  {
    id: "malformed-path-ids",
    title:
      "Run and workflow routes given ids too long, with control characters or not UTF-8 answer 400 or 404, never 5xx",
    profiles: CORE,
    spec: "spec/v1/core.md §6.8",
    alsoCites: ["spec/v1/core.md §13.3", "spec/v1/core.md §10.6"],
    gate: always,
    async run(context) {
      const runId = await finishedNoopRun(context);
      const unknownRun = refusal(["validation_error", "not_found"], [400, 404]);
      const probes: Probe[] = [];
      for (const [sent, id] of JUNK_IDS) {
        probes.push(
          { sent, method: "GET", path: `/v1/runs/${id}`, expect: unknownRun },
          { sent, method: "GET", path: `/v1/runs/${id}/events/poll`, expect: unknownRun },
          {
            sent,
            method: "GET",
            path: `/v1/runs/${id}/events`,
            headers: { accept: "text/event-stream" },
            expect: unknownRun,
          },
          { sent, method: "POST", path: `/v1/runs/${id}/cancel`, expect: unknownRun },
          {
            sent: `a node ${sent.replace(/^an id/, "id")}`,
            method: "POST",
            path: `${runPath(runId)}/interrupts/${id}`,
            body: { json: { resumeValue: { action: "accept" } } },
            expect: refusal(["validation_error", "not_found", "interrupt_not_found"], [400, 404]),
          },
        );
        if (discoveryValue(context.discovery, "debugBundle.supported") === true)
          probes.push({ sent, method: "GET", path: `/v1/runs/${id}/debug-bundle`, expect: unknownRun });
        probes.push({ sent, method: "GET", path: `/v1/workflows/${id}`, expect: unknownRun });
      }
      await runProbes(context, "run path ids", probes);
    },
  },
  {
    id: "malformed-cancel-body",
    title: "A cancel body that is not the closed object {reason?: string} gets 400 validation_error",
    profiles: CORE,
    spec: "spec/v1/core.md §6.7",
    alsoCites: ["spec/v1/core.md §2.2"],
    gate: always,
    async run(context) {
      const runId = await finishedNoopRun(context);
      const path = `${runPath(runId)}/cancel`;
      await runProbes(
        context,
        "POST /v1/runs/{runId}/cancel",
        bodyProbes(
          "POST",
          path,
          [
            ...notAnObject({ reason: "conformance" }),
            notUtf8({ reason: `conformance ${NOT_UTF8}` }),
            ["reason 5", { json: { reason: 5 } }],
            ["reason null", { json: { reason: null } }],
            ["reason {} (an object)", { json: { reason: {} } }],
            [`an unknown member ${UNKNOWN_MEMBER}`, { json: { [UNKNOWN_MEMBER]: true } }],
          ],
          refusal(),
        ),
      );
    },
  },
  {
    id: "malformed-interrupt-body",
    title: "An interrupt resolution that is not the closed object {resumeValue} gets 400 and leaves the run waiting",
    profiles: ["openwop-interrupts", "openwop-core-standard"],
    spec: "spec/v1/core.md §10.6",
    alsoCites: ["spec/v1/core.md §10.3"],
    gate: needsFixtures("conformance-approval"),
    async run(context) {
      const runId = await startRun(context, "conformance-approval");
      await waitForRun(context, runId, (snapshot) => snapshot.status === "waiting-approval", 5_000, "waiting-approval");
      const path = `${runPath(runId)}/interrupts/gate`;
      const accept = { resumeValue: { action: "accept" } };
      await runProbes(
        context,
        "POST /v1/runs/{runId}/interrupts/{nodeId}",
        bodyProbes(
          "POST",
          path,
          [
            ...notAnObject(accept),
            ["an empty object (no resumeValue)", { json: {} }],
            // Last: a host that accepts one of these resolves the interrupt (the check below reports that too).
            notUtf8({ resumeValue: { action: "accept", comment: `conformance ${NOT_UTF8}` } }),
            [`resumeValue beside an unknown member ${UNKNOWN_MEMBER}`, { json: { ...accept, [UNKNOWN_MEMBER]: true } }],
          ],
          refusal(),
        ),
      );
      const assert: Assertions = context.assert;
      const after = await context.client.getRun(runId);
      assert.equal(after.status, "waiting-approval", "after the malformed resolutions, the run's status");
    },
  },
  {
    id: "malformed-oversized-body",
    title: "A body beyond limits.maxRequestBodyBytes gets 413 with the envelope and details.maxBytes, on every route",
    profiles: CORE,
    spec: "spec/v1/core.md §2.2",
    alsoCites: ["spec/v1/core.md §11.1"],
    gate: always,
    timeoutMs: 60_000,
    async run(context) {
      const limit = integerOrUndefined(discoveryValue(context.discovery, "limits.maxRequestBodyBytes"));
      if (limit === undefined || limit > LARGEST_PROBED_LIMIT) {
        // core.md §2.2 only RECOMMENDS a bound; a refusal of a large body must still be a 413 envelope.
        context.note(
          limit === undefined
            ? "limits.maxRequestBodyBytes not advertised: a large body may be accepted"
            : `limits.maxRequestBodyBytes ${limit} is too large to probe; a large body may be accepted`,
        );
        await runProbes(context, "an unadvertised body limit", [
          {
            sent: `a valid body padded with whitespace to ${UNADVERTISED_PROBE_BYTES} bytes`,
            method: "POST",
            path: "/v1/runs",
            body: { text: paddedJson({ workflowId: "conformance-noop" }, UNADVERTISED_PROBE_BYTES) },
            expect: {
              describe: "201 (no limit advertised) or 413 validation_error with the error envelope",
              refusals: [413],
              codes: ["validation_error"],
              accepted: [201],
            },
          },
        ]);
        return;
      }
      const tooLarge = refusal("validation_error", 413, (envelope) =>
        envelope.details?.maxBytes === limit ? undefined : `details.maxBytes is not ${limit}`,
      );
      const sent = `a valid body padded with whitespace to ${limit + 1} bytes (limit ${limit})`;
      const padded = (value: Readonly<Record<string, unknown>>) => ({ text: paddedJson(value, limit + 1) });
      const runId = await finishedNoopRun(context);
      const probes: Probe[] = [
        { sent, method: "POST", path: "/v1/runs", body: padded({ workflowId: "conformance-noop" }), expect: tooLarge },
        {
          sent: `${sent}, sent chunked without Content-Length`,
          method: "POST",
          path: "/v1/runs",
          body: padded({ workflowId: "conformance-noop" }),
          chunked: true,
          expect: tooLarge,
        },
        {
          sent: `a body of ${limit + 1} bytes whose one string is the padding`,
          method: "POST",
          path: "/v1/runs",
          body: {
            json: {
              workflowId: "conformance-noop",
              metadata: {
                blob: "x".repeat(limit + 1 - '{"workflowId":"conformance-noop","metadata":{"blob":""}}'.length),
              },
            },
          },
          expect: tooLarge,
        },
        {
          sent,
          method: "POST",
          path: `${runPath(runId)}/cancel`,
          body: padded({ reason: "conformance" }),
          expect: tooLarge,
        },
        {
          sent,
          method: "POST",
          path: `${runPath(runId)}/interrupts/gate`,
          body: padded({ resumeValue: { action: "accept" } }),
          expect: tooLarge,
        },
      ];
      if (discoveryValue(context.discovery, "keys.supported") === true)
        probes.push({
          sent,
          method: "POST",
          path: "/v1/keys",
          body: padded({ scopes: ["runs:read"] }),
          expect: tooLarge,
        });
      if (discoveryValue(context.discovery, "webhooks.supported") === true)
        probes.push({
          sent,
          method: "POST",
          path: "/v1/webhooks",
          body: padded({ url: QUIET_WEBHOOK_URL, events: ["run.completed"], tags: [uniqueTag("oversized")] }),
          expect: tooLarge,
        });
      const answers = await runProbes(context, "bodies beyond the advertised limit", probes);
      for (const webhookId of createdIds(answers, "webhookId")) context.defer(() => deleteQuietly(context, webhookId));
      for (const keyId of createdIds(answers, "keyId")) context.defer(() => revokeQuietly(context, keyId));
    },
  },
  {
    id: "malformed-debug-bundle-query",
    title: "A debug-bundle maxEvents that is not a positive integer gets 400 validation_error naming maxEvents",
    profiles: ["openwop-debug-bundle"],
    spec: "spec/v1/debug-bundle.md §5.2",
    alsoCites: ["spec/v1/debug-bundle.md §2.3"],
    gate: whenAdvertised(
      "debugBundle.supported",
      (discovery) => discoveryValue(discovery, "debugBundle.supported") === true,
    ),
    async run(context) {
      const runId = await finishedNoopRun(context);
      await runProbes(
        context,
        "GET /v1/runs/{runId}/debug-bundle",
        ["0", "-1", "abc", "1.5"].map((value) => ({
          sent: `query maxEvents=${JSON.stringify(value)}`,
          method: "GET",
          path: `${runPath(runId)}/debug-bundle?maxEvents=${encodeURIComponent(value)}`,
          expect: refusal("validation_error", 400, namesField("maxEvents")),
        })),
      );
    },
  },
  {
    id: "malformed-keys-input",
    title:
      "Key issue and rotate bodies of the wrong shape, type or bound get 400; bad list parameters and ids never 5xx",
    profiles: ["openwop-auth-api-key-rotation"],
    spec: "spec/v1/auth.md §10.3",
    alsoCites: ["spec/v1/auth.md §10.6", "spec/v1/auth.md §10.4"],
    gate: needsKeys,
    async run(context) {
      // A key of the suite's own to aim the rotations at; a lax host that rotates it harms nothing.
      const issued = await context.client.raw("POST", "/v1/keys", {
        body: { scopes: ["runs:read"], label: "openwop-conformance" },
      });
      const keyId = (issued.body as { keyId?: unknown } | undefined)?.keyId;
      const assert: Assertions = context.assert;
      assert.ok(
        issued.status === 201 && typeof keyId === "string",
        `POST /v1/keys {scopes: ["runs:read"]} issues a key to rotate (got ${issued.status} ${issued.text.slice(0, 160)})`,
      );
      context.defer(() => revokeQuietly(context, keyId));
      const scopes = ["runs:read"];
      const probes: Probe[] = [
        ...bodyProbes(
          "POST",
          "/v1/keys",
          [
            ...notAnObject({ scopes }),
            notUtf8({ scopes, label: `openwop-conformance ${NOT_UTF8}` }),
            ['scopes "runs:read" (a string)', { json: { scopes: "runs:read" } }],
            ["scopes [5]", { json: { scopes: [5] } }],
            ["label 5", { json: { scopes, label: 5 } }],
            ["a label of 201 characters", { json: { scopes, label: "l".repeat(201) } }],
            ["kind 5", { json: { scopes, kind: 5 } }],
            ["expiresAt 5", { json: { scopes, expiresAt: 5 } }],
            [`an unknown member ${UNKNOWN_MEMBER}`, { json: { scopes, [UNKNOWN_MEMBER]: true } }],
          ],
          refusal(),
        ),
        ...bodyProbes(
          "POST",
          `${keyPath(keyId)}/rotate`,
          [
            // The rotate body has no free-text member to carry bytes that are not UTF-8.
            ...notAnObject({ graceSeconds: 0 }),
            ['graceSeconds "60" (a string)', { json: { graceSeconds: "60" } }],
            ["graceSeconds 1.5", { json: { graceSeconds: 1.5 } }],
            ["graceSeconds -1", { json: { graceSeconds: -1 } }],
            [`an unknown member ${UNKNOWN_MEMBER}`, { json: { [UNKNOWN_MEMBER]: true } }],
          ],
          refusal(),
        ),
      ];
      // auth.md §10.4 bounds limit to 1..100 without naming the answer to another value.
      for (const value of ["abc", "0", "101", "1.5"])
        probes.push({
          sent: `query limit=${value}`,
          method: "GET",
          path: `/v1/keys?limit=${value}`,
          expect: refusalOrIgnored([200], ["validation_error"]),
        });
      // auth.md §10.10 defines since as a date-time without naming the answer to another value.
      probes.push({
        sent: "query since=not-a-date-time",
        method: "GET",
        path: "/v1/keys/failures?since=not-a-date-time",
        expect: refusalOrIgnored([200], ["validation_error"]),
      });
      const unknownKey = refusal(["validation_error", "not_found"], [400, 404]);
      for (const [sent, id] of JUNK_IDS)
        probes.push(
          { sent, method: "GET", path: `/v1/keys/${id}`, expect: unknownKey },
          { sent, method: "POST", path: `/v1/keys/${id}/rotate`, body: { json: {} }, expect: unknownKey },
          { sent, method: "DELETE", path: `/v1/keys/${id}`, expect: unknownKey },
        );
      const answers = await runProbes(context, "key management bodies and parameters", probes);
      for (const created of createdIds(answers, "keyId")) context.defer(() => revokeQuietly(context, created));
    },
  },
  {
    id: "malformed-webhooks-input",
    title: "Webhook registrations of the wrong shape, type or bound get 400; bad list parameters and ids never 5xx",
    profiles: ["openwop-webhooks"],
    spec: "spec/v1/webhooks.md §2.3",
    alsoCites: ["spec/v1/webhooks.md §2.1", "spec/v1/webhooks.md §12.1"],
    gate: needsWebhooks,
    async run(context) {
      // A tag no run carries, so a registration a lax host accepts never delivers.
      const tags = [uniqueTag("malformed")];
      const valid = { url: QUIET_WEBHOOK_URL, events: ["run.completed"], tags };
      const probes: Probe[] = bodyProbes(
        "POST",
        "/v1/webhooks",
        [
          ...notAnObject(valid),
          notUtf8({ ...valid, tags: [`${tags[0]}-${NOT_UTF8}`] }),
          ["url 5", { json: { ...valid, url: 5 } }],
          ['events "run.completed" (a string)', { json: { ...valid, events: "run.completed" } }],
          ["events [5]", { json: { ...valid, events: [5] } }],
          ['tags "x" (a string)', { json: { ...valid, tags: "x" } }],
          ["secret 5", { json: { ...valid, secret: 5 } }],
          ["signature 5", { json: { ...valid, signature: 5 } }],
          [`an unknown member ${UNKNOWN_MEMBER}`, { json: { ...valid, [UNKNOWN_MEMBER]: true } }],
          [
            "a url of 2100 characters",
            { json: { ...valid, url: `${QUIET_WEBHOOK_URL}/${"u".repeat(2_100)}` } },
            refusal(["validation_error", "webhook_url_rejected"]),
          ],
        ],
        refusal(),
      );
      // webhooks.md §12.1 bounds limit to 1..100 without naming the answer to another value.
      for (const value of ["abc", "0", "101"])
        probes.push({
          sent: `query limit=${value}`,
          method: "GET",
          path: `/v1/webhooks?limit=${value}`,
          expect: refusalOrIgnored([200], ["validation_error"]),
        });
      const unknown = refusal(["validation_error", "subscription_not_found", "not_found"], [400, 404]);
      for (const [sent, id] of JUNK_IDS)
        probes.push(
          { sent, method: "GET", path: `/v1/webhooks/${id}`, expect: unknown },
          { sent, method: "POST", path: `/v1/webhooks/${id}/pause`, expect: unknown },
          { sent, method: "POST", path: `/v1/webhooks/${id}/resume`, expect: unknown },
          { sent, method: "DELETE", path: `/v1/webhooks/${id}`, expect: unknown },
        );
      const answers = await runProbes(context, "webhook registrations and parameters", probes);
      for (const webhookId of createdIds(answers, "webhookId")) context.defer(() => deleteQuietly(context, webhookId));
    },
  },
  {
    id: "malformed-durable-webhooks-input",
    title: "Dead-letter replay bodies of the wrong shape get 400; bad delivery and feed parameters never 5xx",
    profiles: ["openwop-webhooks-durable"],
    spec: "spec/v1/webhooks.md §14.4",
    alsoCites: ["spec/v1/webhooks.md §14.1", "spec/v1/webhooks.md §15"],
    gate: needsDurableWebhooks,
    async run(context) {
      const { created } = await registerWebhook(context, {
        url: QUIET_WEBHOOK_URL,
        events: ["run.completed"],
        tags: [uniqueTag("malformed-durable")],
      });
      // The feed is read from its start, so the tenant must have an event for no probe to be held.
      await finishedNoopRun(context);
      const subscription = webhookPath(created.webhookId);
      const probes: Probe[] = bodyProbes(
        "POST",
        `${subscription}/dead-letters/replay`,
        [
          ...notAnObject({ limit: 1 }),
          notUtf8({ eventTypes: [`conformance.${NOT_UTF8}`] }),
          ["limit 0", { json: { limit: 0 } }],
          ['limit "5" (a string)', { json: { limit: "5" } }],
          ["limit 1001", { json: { limit: 1_001 } }],
          ["since 5", { json: { since: 5 } }],
          ['eventTypes "run.completed" (a string)', { json: { eventTypes: "run.completed" } }],
          [`an unknown member ${UNKNOWN_MEMBER}`, { json: { [UNKNOWN_MEMBER]: true } }],
        ],
        refusal(),
      );
      // webhooks.md §14.1 and §15 bound these parameters without naming the answer to other values.
      const ignoredOrRefused = refusalOrIgnored([200], ["validation_error"]);
      for (const query of ["limit=abc", "limit=0", "limit=101"])
        probes.push({
          sent: `query ${query}`,
          method: "GET",
          path: `${subscription}/deliveries?${query}`,
          expect: ignoredOrRefused,
        });
      for (const query of ["limit=abc", "limit=0", "limit=1001", "limit=1&wait=abc", "limit=1&wait=-1"])
        probes.push({ sent: `query ${query}`, method: "GET", path: `/v1/events?${query}`, expect: ignoredOrRefused });
      const unknownDelivery = refusal(["validation_error", "not_found"], [400, 404]);
      for (const [sent, id] of JUNK_IDS)
        probes.push(
          { sent, method: "GET", path: `${subscription}/deliveries/${id}`, expect: unknownDelivery },
          { sent, method: "POST", path: `${subscription}/deliveries/${id}/replay`, expect: unknownDelivery },
        );
      await runProbes(context, "durable webhook bodies and parameters", probes);
    },
  },
];
