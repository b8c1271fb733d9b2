import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateDebugBundle } from "@openwop/schema";
import { createMemoryAdapter } from "@openwop/storage-memory";
import type { DebugBundle } from "@openwop/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenWopHost, type RunningHost } from "../host.js";
import { resolveHostSettings } from "../settings/host-settings.js";
import { bearer, request, type HttpResult } from "../testing/http.js";
import { RunProbe } from "../testing/run-probe.js";
import { expectErrorEnvelope } from "../testing/error-envelope.js";

const implementation = { name: "bundle-test-host", version: "9.8.7", vendor: "tests" };
const KEY = "hk_test_bundle_owner";
const OTHER_TENANT_KEY = "hk_test_bundle_tenant_b";
const CREATE_ONLY_KEY = "hk_test_bundle_create_only";
const PLANTED_KEY = "hk_live_PlantedKey0123456789abcdef";
const SENSITIVE_VALUE = "acct-ref-99887766";

/** A workflow that declares `accountRef` sensitive, so the bundle must mask it by declaration. */
const SENSITIVE_WORKFLOW = {
  id: "bundle-sensitive",
  name: "Bundle: sensitive variable",
  version: "1.0.0",
  nodes: ["a", "b"].map((id, i) => ({
    id,
    typeId: "core.noop",
    name: id,
    position: { x: i * 100, y: 0 },
    config: {},
    inputs: {},
  })),
  edges: [{ id: "ab", sourceNodeId: "a", targetNodeId: "b" }],
  triggers: [{ id: "manual", type: "manual" }],
  variables: [{ name: "accountRef", type: "string", sensitive: true }],
  metadata: {},
  settings: {},
};

async function startHost(workflowsDir: string, debugBundleMaxBytes?: number): Promise<RunningHost> {
  return startOpenWopHost({
    adapter: createMemoryAdapter(),
    implementation,
    settings: resolveHostSettings({
      apiKey: KEY,
      workflowsDir,
      extraApiKeys: [
        { key: OTHER_TENANT_KEY, tenant: "tenant-b", scopes: ["runs:create", "runs:read"] },
        { key: CREATE_ONLY_KEY, tenant: "default", scopes: ["runs:create"] },
      ],
      ...(debugBundleMaxBytes === undefined ? {} : { debugBundleMaxBytes }),
    }),
  });
}

const bundleOf = (host: RunningHost, runId: string, query = "", key = KEY): Promise<HttpResult> =>
  request(host.url, `/v1/runs/${encodeURIComponent(runId)}/debug-bundle${query}`, { headers: bearer(key) });

function expectBundle(result: HttpResult, runId: string): DebugBundle {
  expect(result.status, result.text).toBe(200);
  expect(result.headers.get("cache-control")).toBe("no-store");
  expect(result.headers.get("content-type")).toMatch(/^application\/json/);
  const checked = validateDebugBundle(result.json);
  expect(checked.valid ? [] : checked.errors).toEqual([]);
  const bundle = result.json as DebugBundle;
  expect(bundle.metrics.eventCount).toBe(bundle.events.length);
  expect(bundle.run.runId).toBe(runId);
  return bundle;
}

describe("GET /v1/runs/{runId}/debug-bundle", () => {
  let dir: string;
  let host: RunningHost;
  let probe: RunProbe;
  let runId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-bundle-"));
    await writeFile(join(dir, "sensitive.json"), JSON.stringify(SENSITIVE_WORKFLOW));
    host = await startHost(dir);
    probe = new RunProbe(() => host.url, KEY);
    runId = await probe.create(SENSITIVE_WORKFLOW.id, {
      apiKey: PLANTED_KEY,
      note: "Bearer abc.def",
      accountRef: SENSITIVE_VALUE,
    });
    await probe.waitFor(runId, ["completed"], 10_000);
  });

  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("is advertised in discovery with the cap it applies, and listed in the OpenAPI document", async () => {
    const discovery = (await request(host.url, "/.well-known/openwop")).json as Record<string, unknown>;
    expect(discovery["debugBundle"]).toEqual({ supported: true, maxBytes: 8 * 1024 * 1024 });
    const openapi = (await request(host.url, "/v1/openapi.json")).json as { paths: Record<string, unknown> };
    expect(openapi.paths["/v1/runs/{runId}/debug-bundle"]).toBeDefined();
  });

  it("serves a schema-valid, no-store bundle carrying the whole polled log and the discovery implementation", async () => {
    const bundle = expectBundle(await bundleOf(host, runId), runId);
    const log = await probe.events(runId);
    expect(bundle.events.map((e) => e.sequence)).toEqual(log.map((e) => e.sequence));
    expect(bundle.events.map((e) => e.type)).toEqual(log.map((e) => e.type));
    expect(bundle.truncated).not.toBe(true);
    expect(bundle.host).toEqual(implementation);
    expect(bundle.metrics.nodeCount).toBe(2);
    expect(bundle.run.status).toBe("completed");
    expect(bundle.events.at(-1)?.type).toBe("run.completed");
    expect(bundle.run.endedAt).toBe(bundle.events.at(-1)?.timestamp);
    expect(bundle.redactionApplied).toBe(true);
    expect(bundle.redactionMode).toBe("mask");
  });

  it("never lets a planted key, bearer credential or sensitive variable into the response", async () => {
    // The secrets are really there to leak: the snapshot serves inputs as given.
    expect(JSON.stringify(await probe.snapshot(runId))).toContain(PLANTED_KEY);
    const result = await bundleOf(host, runId);
    expectBundle(result, runId);
    for (const secret of [PLANTED_KEY, "abc.def", SENSITIVE_VALUE]) expect(result.text).not.toContain(secret);
    const bundle = result.json as DebugBundle;
    expect(bundle.run.inputs).toEqual({ apiKey: "[REDACTED]", note: "[REDACTED]", accountRef: "[REDACTED]" });
    expect(bundle.run.variables?.["accountRef"]).toBe("[REDACTED]");
  });

  it("keeps the first maxEvents events and says the limit cut them", async () => {
    const full = expectBundle(await bundleOf(host, runId), runId);
    const cut = expectBundle(await bundleOf(host, runId, "?maxEvents=2"), runId);
    expect(cut.truncated).toBe(true);
    expect(cut.truncatedReason).toBe("events_truncated_to_max_events");
    expect(cut.events).toEqual(full.events.slice(0, 2));
    const all = expectBundle(await bundleOf(host, runId, `?maxEvents=${full.events.length}`), runId);
    expect(all.truncated).not.toBe(true);
  });

  it("answers a maxEvents that is not a positive integer with 400 naming the field", async () => {
    for (const value of ["0", "-1", "abc", "1.5", "", "1e3"]) {
      const details =
        expectErrorEnvelope(
          await bundleOf(host, runId, `?maxEvents=${encodeURIComponent(value)}`),
          400,
          "validation_error",
        ).details ?? {};
      expect(details["field"], `maxEvents=${value}`).toBe("maxEvents");
    }
  });

  it("answers 404 for an unknown run and for another tenant's run, 401 without a key, 403 without runs:read", async () => {
    expectErrorEnvelope(await bundleOf(host, "run-that-does-not-exist"), 404, "not_found");
    const other = await bundleOf(host, runId, "", OTHER_TENANT_KEY);
    expectErrorEnvelope(other, 404, "not_found");
    expect(other.text).not.toContain(PLANTED_KEY);
    expectErrorEnvelope(await request(host.url, `/v1/runs/${runId}/debug-bundle`), 401, "unauthenticated");
    expectErrorEnvelope(await bundleOf(host, runId, "", CREATE_ONLY_KEY), 403, "forbidden");
  });

  it("answers 410 run_expired for a run removed by retention", async () => {
    const expiring = await probe.create("conformance-noop");
    await probe.waitFor(expiring, ["completed"], 10_000);
    expect(await host.engine.store.expireRun(expiring, new Date().toISOString())).toBe(true);
    expectErrorEnvelope(await bundleOf(host, expiring), 410, "run_expired");
  });
});

describe("GET /v1/runs/{runId}/debug-bundle under a small size cap", () => {
  const CAP = 2048;
  let dir: string;
  let host: RunningHost;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-bundle-cap-"));
    host = await startHost(dir, CAP);
  });

  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("advertises the configured cap and cuts an over-size bundle to a prefix that fits, saying why", async () => {
    const discovery = (await request(host.url, "/.well-known/openwop")).json as Record<string, unknown>;
    expect(discovery["debugBundle"]).toEqual({ supported: true, maxBytes: CAP });
    const probe = new RunProbe(() => host.url, KEY);
    const runId = await probe.create("conformance-multi-node", { padding: "p".repeat(300) });
    await probe.waitFor(runId, ["completed"], 10_000);
    const log = await probe.events(runId);
    const result = await bundleOf(host, runId);
    const bundle = expectBundle(result, runId);
    expect(Buffer.byteLength(result.text, "utf8")).toBeLessThanOrEqual(CAP);
    expect(bundle.truncated).toBe(true);
    expect(bundle.truncatedReason).toBe("events_truncated_to_size_cap");
    expect(bundle.events.length).toBeGreaterThan(0);
    expect(bundle.events.length).toBeLessThan(log.length);
    expect(bundle.events.map((e) => e.sequence)).toEqual(log.slice(0, bundle.events.length).map((e) => e.sequence));
  });
});
