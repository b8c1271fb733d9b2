import { randomUUID } from "node:crypto";
import type { OpenWopClient } from "@openwop/client";
import { validateBulkCancelResponse, validateRunList } from "@openwop/schema";
import type { BulkCancelResponse, RunList } from "@openwop/types";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { startRun, waitForRun } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import type { Assertions } from "../runner/assertions.js";
import { allOf, discoveryValue, needsFixtures, whenAdvertised } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";

const needsListing = whenAdvertised("runs.list", (d) => discoveryValue(d, "runs.list") === true);
const needsBulkCancel = whenAdvertised("runs.bulkCancel", (d) => discoveryValue(d, "runs.bulkCancel") === true);

/** A tag no other run carries, so a listing filtered by it holds exactly the scenario's runs. */
const freshTag = () => `conformance-list-${randomUUID()}`;

/** `GET /v1/runs` with `query`, asserted 200 and valid against run-list.schema.json. */
async function listRuns(
  context: ScenarioContext,
  query: Record<string, string>,
  client: OpenWopClient = context.client,
): Promise<RunList> {
  const assert: Assertions = context.assert;
  const search = new URLSearchParams(query).toString();
  const path = `/v1/runs${search ? `?${search}` : ""}`;
  const answer = await client.raw("GET", path);
  assert.equal(answer.status, 200, `GET ${path} status`);
  assertSchemaValid(assert, validateRunList, answer.body, `GET ${path} body`);
  return answer.body as RunList;
}

const idsOf = (page: RunList) => page.runs.map((run) => run.runId);

/** A waiting run of another tenant, cancelled again when the scenario ends. */
async function startForeignRun(context: ScenarioContext, other: OpenWopClient): Promise<string> {
  const assert: Assertions = context.assert;
  const created = await other.raw("POST", "/v1/runs", { body: { workflowId: "conformance-approval" } });
  assert.equal(created.status, 201, "POST /v1/runs as another tenant (conformance-approval) status");
  const runId = (created.body as { runId?: unknown } | undefined)?.runId;
  assert.isString(runId, "POST /v1/runs as another tenant: runId");
  context.defer(() => other.cancelRun(runId, "conformance cleanup").catch(() => undefined));
  await waitForRun(context, runId, (run) => run.status === "waiting-approval", 10_000, "waiting-approval", {
    client: other,
  });
  return runId;
}

export const runManagementScenarios: readonly Scenario[] = [
  {
    id: "runs-list",
    title:
      "GET /v1/runs lists the tenant's runs newest first, pages by cursor without repeats or gaps, and filters by tag, status, workflow and creation time",
    profiles: ["openwop-run-management"],
    spec: "spec/v1/core.md §6.9",
    gate: allOf(needsListing, needsFixtures("conformance-noop", "conformance-approval")),
    async run(context) {
      const assert: Assertions = context.assert;
      const tag = freshTag();
      const finished: string[] = [];
      for (let index = 0; index < 3; index++) {
        finished.push(await startRun(context, "conformance-noop", undefined, { tags: [tag] }));
      }
      const waiting = await startRun(context, "conformance-approval", undefined, { tags: [tag] });
      for (const runId of finished) {
        await waitForRun(context, runId, (run) => run.status === "completed", 10_000, "completed");
      }
      await waitForRun(context, waiting, (run) => run.status === "waiting-approval", 10_000, "waiting-approval");

      const all = await listRuns(context, { tag });
      assert.deepEqual(
        [...idsOf(all)].sort(),
        [...finished, waiting].sort(),
        `GET /v1/runs?tag=… holds exactly the 4 runs created with that tag (sent ${[...finished, waiting].join(", ")})`,
      );
      assert.equal(all.nextCursor, null, "a page holding every match has nextCursor null");
      const created = all.runs.map((run) => run.createdAt);
      assert.deepEqual(created, [...created].sort().reverse(), "runs are listed newest first by createdAt (§6.9)");
      const summary = all.runs.find((run) => run.runId === waiting);
      assert.equal(summary?.status, "waiting-approval", "a listed run carries its current status");
      assert.equal(summary?.workflowId, "conformance-approval", "a listed run carries its workflowId");
      assert.deepEqual(summary?.tags, [tag], "a listed run carries its tags");

      const paged: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: RunList = await listRuns(context, { tag, limit: "1", ...(cursor ? { cursor } : {}) });
        assert.ok(
          page.runs.length <= 1,
          `§6.9: GET /v1/runs?tag={tag}&limit=1 (page ${pages + 1}): must return at most one run; runIds`,
          idsOf(page),
        );
        paged.push(...idsOf(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages <= 5);
      assert.deepEqual(paged, idsOf(all), "paging with limit=1 yields the same runs in the same order, once each");

      assert.deepEqual(
        idsOf(await listRuns(context, { tag, status: "waiting-approval" })),
        [waiting],
        "?status=waiting-approval&tag=… holds only the waiting run",
      );
      assert.deepEqual(
        [...idsOf(await listRuns(context, { tag, workflowId: "conformance-noop" }))].sort(),
        [...finished].sort(),
        "?workflowId=conformance-noop&tag=… holds only the noop runs",
      );
      assert.deepEqual(
        idsOf(await listRuns(context, { tag, createdAfter: "2999-01-01T00:00:00Z" })),
        [],
        "?createdAfter=2999-01-01T00:00:00Z holds nothing",
      );
      assert.deepEqual(
        [...idsOf(await listRuns(context, { tag, createdBefore: "2999-01-01T00:00:00+01:00" }))].sort(),
        [...finished, waiting].sort(),
        "?createdBefore=2999-01-01T00:00:00+01:00 holds every run, an offset read as the instant it names",
      );
    },
  },
  {
    id: "runs-list-refusals",
    title:
      "GET /v1/runs refuses an unknown parameter, a repeated one, an unknown status, a bad limit, a bad instant and a cursor it never issued with 400 naming the field",
    profiles: ["openwop-run-management"],
    spec: "spec/v1/core.md §6.9",
    gate: needsListing,
    async run(context) {
      const assert: Assertions = context.assert;
      const cases: Array<[string, string]> = [
        ["?state=failed", "state"],
        ["?status=failed&status=completed", "status"],
        ["?status=stuck", "status"],
        ["?limit=0", "limit"],
        ["?limit=101", "limit"],
        ["?createdAfter=yesterday", "createdAfter"],
        ["?cursor=not-a-cursor-of-this-host", "cursor"],
      ];
      for (const [query, field] of cases) {
        const answer = await context.client.raw("GET", `/v1/runs${query}`);
        const envelope = assertErrorEnvelope(
          assert,
          answer,
          { code: "validation_error", status: 400 },
          `GET /v1/runs${query}`,
        );
        assert.equal(envelope.details?.["field"], field, `GET /v1/runs${query}: details.field names ${field}`);
      }
    },
  },
  {
    id: "runs-list-tenant-isolation",
    title: "GET /v1/runs never lists another tenant's runs, whatever the filter",
    profiles: ["openwop-run-management"],
    spec: "spec/v1/core.md §6.9",
    alsoCites: ["spec/v1/auth.md §5.4"],
    gate: allOf(needsListing, needsFixtures("conformance-noop")),
    async run(context) {
      const assert: Assertions = context.assert;
      const { secondaryApiKey } = context.options;
      if (secondaryApiKey === undefined)
        return context.skip("needs --secondary-api-key (a key of another tenant)", false);
      const tag = freshTag();
      const runId = await startRun(context, "conformance-noop", undefined, { tags: [tag] });
      assert.deepEqual(idsOf(await listRuns(context, { tag })), [runId], "the owner lists its run by tag");
      const other = context.clientWithKey(secondaryApiKey);
      assert.deepEqual(idsOf(await listRuns(context, { tag }, other)), [], "another tenant lists nothing by that tag");
      const unfiltered = await listRuns(context, { workflowId: "conformance-noop", limit: "100" }, other);
      assert.ok(
        !idsOf(unfiltered).includes(runId),
        "§6.9, auth.md §5.4: GET /v1/runs?workflowId=conformance-noop&limit=100 with another tenant's key: must " +
          "omit the owner's run; runIds",
        idsOf(unfiltered),
      );
    },
  },
  {
    id: "runs-bulk-cancel",
    title:
      "POST /v1/runs:bulk-cancel cancels live runs and answers every id in request order: ok for the live one, run_terminal for a finished one, not_found for unknown and another tenant's, validation_error for an empty id",
    profiles: ["openwop-run-management"],
    spec: "spec/v1/core.md §6.10",
    gate: allOf(needsBulkCancel, needsFixtures("conformance-noop", "conformance-approval")),
    async run(context) {
      const assert: Assertions = context.assert;
      const live = await startRun(context, "conformance-approval");
      const finished = await startRun(context, "conformance-noop");
      await waitForRun(context, live, (run) => run.status === "waiting-approval", 10_000, "waiting-approval");
      await waitForRun(context, finished, (run) => run.status === "completed", 10_000, "completed");
      const { secondaryApiKey } = context.options;
      const other = secondaryApiKey === undefined ? undefined : context.clientWithKey(secondaryApiKey);
      const foreign = other ? await startForeignRun(context, other) : undefined;
      if (!foreign) context.note("no --secondary-api-key: another tenant's id was not tried");

      const unknown = `run-${randomUUID()}`;
      const runIds = [live, finished, unknown, ...(foreign ? [foreign] : []), "", live];
      const answer = await context.client.raw("POST", "/v1/runs:bulk-cancel", {
        body: { runIds, reason: "conformance" },
      });
      assert.equal(answer.status, 200, "POST /v1/runs:bulk-cancel status");
      assertSchemaValid(assert, validateBulkCancelResponse, answer.body, "bulk cancel body");
      const { results } = answer.body as BulkCancelResponse;
      assert.deepEqual(
        results.map((result) => result.runId),
        runIds,
        "one result per id, in request order, repeats included",
      );
      const [liveResult, finishedResult, unknownResult] = results;
      assert.equal(liveResult?.ok, true, "the live run: ok");
      assert.oneOf(liveResult?.status, ["cancelling", "cancelled"], "the live run: status cancelling or cancelled");
      assert.equal(finishedResult?.ok, false, "the completed run: not ok");
      assert.equal(finishedResult?.status, "completed", "the completed run: its status");
      assert.equal(finishedResult?.error?.error, "run_terminal", "the completed run: error run_terminal");
      assert.equal(unknownResult?.ok, false, "an unknown id: not ok");
      assert.equal(unknownResult?.error?.error, "not_found", "an unknown id: error not_found");
      if (foreign) {
        const foreignResult = results[3];
        assert.equal(foreignResult?.error?.error, "not_found", "another tenant's run: not_found, as an unknown one");
        assert.equal(foreignResult?.status, undefined, "another tenant's run: no status revealed");
      }
      const emptyResult = results.at(-2);
      assert.equal(emptyResult?.error?.error, "validation_error", "an empty id: error validation_error");
      assert.equal(results.at(-1)?.ok, true, "the live run named again: ok");

      await waitForRun(context, live, (run) => run.status === "cancelled", 5_000, "cancelled");
      if (foreign && other) {
        const untouched = await other.raw("GET", `/v1/runs/${encodeURIComponent(foreign)}`);
        assert.equal(
          (untouched.body as { status?: unknown } | undefined)?.status,
          "waiting-approval",
          "another tenant's run is left as it was",
        );
      }
    },
  },
  {
    id: "runs-bulk-cancel-refusals",
    title:
      "POST /v1/runs:bulk-cancel refuses 101 ids with details.maxRunIds 100, and an empty list or unknown member with 400",
    profiles: ["openwop-run-management"],
    spec: "spec/v1/core.md §6.10",
    gate: needsBulkCancel,
    async run(context) {
      const assert: Assertions = context.assert;
      const tooMany = await context.client.raw("POST", "/v1/runs:bulk-cancel", {
        body: { runIds: Array.from({ length: 101 }, (_, index) => `run-${index}`) },
      });
      const envelope = assertErrorEnvelope(assert, tooMany, { code: "validation_error", status: 400 }, "101 ids");
      assert.equal(envelope.details?.["maxRunIds"], 100, "101 ids: details.maxRunIds is 100");
      for (const [label, body] of [
        ["an empty runIds", { runIds: [] }],
        ["runIds that is not an array", { runIds: "run-1" }],
        ["an unknown member", { runIds: ["run-1"], force: true }],
      ] as const) {
        const answer = await context.client.raw("POST", "/v1/runs:bulk-cancel", { body });
        assertErrorEnvelope(assert, answer, { code: "validation_error", status: 400 }, label);
      }
    },
  },
];
