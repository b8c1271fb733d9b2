import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RunProbe, bearer, request, spawnHostProcess, type HostProcess } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const API_KEY = `hk_test_logs_${randomBytes(12).toString("hex")}`;
const IDEMPOTENCY_KEY = `idem-${randomBytes(12).toString("hex")}`;

/** The lines a supervisor greps for; everything else the process prints is one JSON object per line. */
const PLAIN_LINES = [/^openwop host listening on http:\/\/\S+$/];

describe("sqlite host process: structured logs on standard output (P6)", () => {
  let dir: string;
  let host: HostProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "openwop-sqlite-logs-"));
    host = await spawnHostProcess(ENTRY, {
      OPENWOP_SQLITE_PATH: join(dir, "openwop.db"),
      OPENWOP_API_KEY: API_KEY,
      // The test runner quiets in-process hosts; this process is the one under test.
      OPENWOP_LOG_LEVEL: "info",
    });
  });

  afterAll(async () => {
    await host?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the run terminal record with the creating request's correlation id, and JSON lines only", async () => {
    const created = await request(host.url, "/v1/runs", {
      method: "POST",
      headers: { ...bearer(API_KEY), "idempotency-key": IDEMPOTENCY_KEY },
      body: { workflowId: "conformance-failure" },
    });
    expect(created.status, created.text).toBe(201);
    const runId = (created.json as { runId: string }).runId;
    const correlationId = created.headers.get("x-correlation-id");
    expect(
      await new RunProbe(() => host.url, API_KEY).waitFor(runId, ["completed", "failed", "cancelled"], 10_000),
    ).toBe("failed");

    const deadline = Date.now() + 5_000;
    const terminal = (): Record<string, unknown> | undefined =>
      host
        .output()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((record) => record["event"] === "run.terminal" && record["runId"] === runId);
    while (terminal() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(terminal()).toMatchObject({
      level: "warn",
      msg: "run.terminal",
      tenantId: "default",
      status: "failed",
      errorCode: "node_failed",
      correlationId,
    });

    // Standard output is JSON lines but for the one plain line tools grep; standard error holds
    // only the start-up report on the configured keys.
    expect(host.stderr()).toMatch(/^(openwop-host-sqlite: [^\n]*key[^\n]*\n)+$/);
    const lines = host
      .stdout()
      .split("\n")
      .filter((line) => line.length > 0);
    for (const line of lines) {
      if (PLAIN_LINES.some((pattern) => pattern.test(line))) continue;
      expect(() => JSON.parse(line), line).not.toThrow();
    }
    expect(
      lines.some(
        (line) => line.includes('"event":"http.request"') && line.includes(`"correlationId":"${correlationId}"`),
      ),
    ).toBe(true);
    expect(host.output()).not.toContain(API_KEY);
    expect(host.output()).not.toContain(IDEMPOTENCY_KEY);
  });
});
