import { validateBulkCancelResponse, validateRunList } from "@openwop/schema";
import { createMemoryAdapter } from "@openwop/storage-memory";
import type { BulkCancelResponse, RunList, RunSummary } from "@openwop/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "./host.js";
import { resolveHostSettings } from "./settings/host-settings.js";
import { expectErrorEnvelope } from "./testing/error-envelope.js";
import { bearer, request } from "./testing/http.js";

const KEY = "hk_test_run_management";
const OTHER_TENANT_KEY = "hk_test_run_management_b";
const READ_ONLY_KEY = "hk_test_run_management_ro";

let host: RunningHost;

beforeEach(async () => {
  host = await startOpenWopHost({
    adapter: createMemoryAdapter(),
    implementation: { name: "run-management-test", version: "0.0.0" },
    settings: resolveHostSettings({
      apiKey: KEY,
      extraApiKeys: [
        { key: OTHER_TENANT_KEY, tenant: "tenant-b", scopes: ["runs:create", "runs:read", "runs:cancel"] },
        { key: READ_ONLY_KEY, tenant: "default", scopes: ["runs:read"] },
      ],
    }),
  });
});

afterEach(async () => {
  await host.close();
});

async function createRun(body: Record<string, unknown>, key = KEY): Promise<string> {
  const created = await request(host.url, "/v1/runs", { method: "POST", headers: bearer(key), body });
  expect(created.status, created.text).toBe(201);
  return (created.json as { runId: string }).runId;
}

async function waitForStatus(runId: string, wanted: readonly string[], key = KEY): Promise<string> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const snapshot = await request(host.url, `/v1/runs/${runId}`, { headers: bearer(key) });
    const status = (snapshot.json as { status: string }).status;
    if (wanted.includes(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} never reached ${wanted.join(" or ")}`);
}

async function list(query: string, key = KEY): Promise<RunList> {
  const answer = await request(host.url, `/v1/runs${query}`, { headers: bearer(key) });
  expect(answer.status, answer.text).toBe(200);
  const checked = validateRunList(answer.json);
  expect(checked.valid, JSON.stringify(checked.valid ? [] : checked.errors)).toBe(true);
  return answer.json as RunList;
}

const ids = (runs: readonly RunSummary[]) => runs.map((run) => run.runId);

describe("GET /v1/runs", () => {
  it("lists the tenant's runs newest first, filtered, paged by an opaque cursor, without other tenants' runs", async () => {
    const done: string[] = [];
    for (let index = 0; index < 3; index++) {
      done.push(await createRun({ workflowId: "conformance-noop", tags: ["batch:a", `n:${index}`] }));
    }
    const waiting = await createRun({ workflowId: "conformance-approval", tags: ["batch:b"] });
    await createRun({ workflowId: "conformance-noop", tags: ["batch:a"] }, OTHER_TENANT_KEY);
    for (const runId of done) await waitForStatus(runId, ["completed"]);
    await waitForStatus(waiting, ["waiting-approval"]);

    const all = await list("");
    expect(new Set(ids(all.runs))).toEqual(new Set([waiting, ...done]));
    expect(all.nextCursor).toBeNull();
    // Newest first by creation instant.
    const created = all.runs.map((run) => run.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    expect(ids((await list("?status=waiting-approval")).runs)).toEqual([waiting]);
    const [suspended] = (await list("?status=waiting-approval")).runs;
    expect(suspended).toMatchObject({ workflowId: "conformance-approval", currentNodeId: expect.any(String) });
    expect(new Set(ids((await list("?workflowId=conformance-noop")).runs))).toEqual(new Set(done));
    expect(ids((await list(`?tag=${encodeURIComponent("n:1")}`)).runs)).toEqual([done[1]]);
    expect(new Set(ids((await list("?tag=batch:a&status=completed")).runs))).toEqual(new Set(done));
    expect((await list("?createdAfter=2999-01-01T00:00:00Z")).runs).toEqual([]);
    expect((await list("?createdBefore=2000-01-01T00:00:00%2B02:00")).runs).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: RunList = await list(`?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.runs).toHaveLength(1);
      seen.push(...ids(page.runs));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(ids(all.runs));
    expect(pages).toBe(4);

    expect(ids((await list("", OTHER_TENANT_KEY)).runs)).toHaveLength(1);
    expect(ids((await list("?tag=batch:a", OTHER_TENANT_KEY)).runs)).not.toContain(done[0]);
  });

  it("refuses bad filters with a 400 naming the parameter, before reading anything", async () => {
    const cases: Array<[string, string]> = [
      ["?status=stuck", "status"],
      ["?state=failed", "state"],
      ["?status=failed&status=completed", "status"],
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?limit=ten", "limit"],
      ["?cursor=not-one-of-ours", "cursor"],
      ["?createdAfter=yesterday", "createdAfter"],
      ["?createdBefore=2026-02-31T00:00:00Z", "createdBefore"],
      ["?tag=", "tag"],
      [`?workflowId=${"w".repeat(300)}`, "workflowId"],
    ];
    for (const [query, field] of cases) {
      const answer = await request(host.url, `/v1/runs${query}`, { headers: bearer(KEY) });
      const envelope = expectErrorEnvelope(answer, 400, "validation_error");
      expect(envelope.details?.["field"], query).toBe(field);
    }
  });

  it("needs runs:read", async () => {
    expectErrorEnvelope(await request(host.url, "/v1/runs"), 401, "unauthenticated");
    const discovery = (await request(host.url, "/.well-known/openwop")).json as { runs?: unknown };
    expect(discovery.runs).toEqual({
      list: true,
      bulkCancel: true,
      pauseResume: { supported: true, drainPolicies: ["drain-current-node", "immediate"] },
    });
  });
});

describe("POST /v1/runs:bulk-cancel", () => {
  const bulkCancel = (body: unknown, key = KEY, headers: Record<string, string> = {}) =>
    request(host.url, "/v1/runs:bulk-cancel", { method: "POST", headers: { ...bearer(key), ...headers }, body });

  it("cancels live runs and answers every id in request order: finished, unknown, other tenant's, malformed", async () => {
    const live = await createRun({ workflowId: "conformance-approval" });
    const finished = await createRun({ workflowId: "conformance-noop" });
    const foreign = await createRun({ workflowId: "conformance-approval" }, OTHER_TENANT_KEY);
    await waitForStatus(live, ["waiting-approval"]);
    await waitForStatus(finished, ["completed"]);
    await waitForStatus(foreign, ["waiting-approval"], OTHER_TENANT_KEY);

    const answer = await bulkCancel({ runIds: [live, finished, "run-nobody", foreign, "", live], reason: "test" });
    expect(answer.status, answer.text).toBe(200);
    expect(validateBulkCancelResponse(answer.json).valid).toBe(true);
    const { results } = answer.json as BulkCancelResponse;
    expect(results.map((result) => result.runId)).toEqual([live, finished, "run-nobody", foreign, "", live]);
    expect(results[0]).toMatchObject({ ok: true, status: expect.stringMatching(/^cancell(ing|ed)$/) });
    expect(results[1]).toMatchObject({ ok: false, status: "completed", error: { error: "run_terminal" } });
    expect(results[2]).toMatchObject({ ok: false, error: { error: "not_found" } });
    // Another tenant's run is exactly as unknown as a missing one.
    expect(results[3]).toMatchObject({ ok: false, error: { error: "not_found" } });
    expect(results[3]?.status).toBeUndefined();
    expect(results[4]).toMatchObject({ ok: false, error: { error: "validation_error" } });
    expect(results[5]).toMatchObject({ ok: true });

    expect(await waitForStatus(live, ["cancelled"])).toBe("cancelled");
    const foreignNow = await request(host.url, `/v1/runs/${foreign}`, { headers: bearer(OTHER_TENANT_KEY) });
    expect((foreignNow.json as { status: string }).status).toBe("waiting-approval");
  });

  it("refuses over 100 ids with details.maxRunIds, and malformed bodies with the envelope", async () => {
    const tooMany = await bulkCancel({ runIds: Array.from({ length: 101 }, (_, index) => `run-${index}`) });
    expect(expectErrorEnvelope(tooMany, 400, "validation_error").details).toMatchObject({
      field: "runIds",
      maxRunIds: 100,
    });
    for (const body of [{}, { runIds: [] }, { runIds: "run-1" }, { runIds: [1] }, { runIds: ["a"], force: true }, []]) {
      expectErrorEnvelope(await bulkCancel(body), 400, "validation_error");
    }
    expectErrorEnvelope(await bulkCancel({ runIds: ["run-1"] }, READ_ONLY_KEY), 403, "forbidden");
  });

  it("replays the first answer under the same Idempotency-Key", async () => {
    const live = await createRun({ workflowId: "conformance-approval" });
    await waitForStatus(live, ["waiting-approval"]);
    const first = await bulkCancel({ runIds: [live] }, KEY, { "idempotency-key": "bulk-1" });
    const again = await bulkCancel({ runIds: [live] }, KEY, { "idempotency-key": "bulk-1" });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expectErrorEnvelope(
      await bulkCancel({ runIds: [live, "run-other"] }, KEY, { "idempotency-key": "bulk-1" }),
      409,
      "idempotency_key_mismatch",
    );
  });
});
