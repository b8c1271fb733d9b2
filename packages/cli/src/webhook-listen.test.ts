import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENWOP_BIN, runOpenwop } from "./testing/openwop.js";

const SECRET = "whsec_listen_test_secret_0123456789";

/** Signs `body` as a v1 host does (webhooks.md §6). */
function signed(body: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const digest = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return {
    "content-type": "application/json",
    "x-openwop-webhook-id": "wh_test",
    "x-openwop-event-type": "run.completed",
    "x-openwop-timestamp": String(timestamp),
    "x-openwop-signature": `sha256=${digest}`,
  };
}

const delivery = (sequence: number) =>
  JSON.stringify({ runId: "run_1", workspaceId: "default", event: { type: "run.completed", sequence } });

describe("openwop webhooks listen --secret (a receiver for an existing subscription)", () => {
  let configHome: string;
  beforeAll(async () => {
    configHome = await mkdtemp(join(tmpdir(), "openwop-listen-"));
  });
  afterAll(async () => {
    await rm(configHome, { recursive: true, force: true });
  });

  it("answers 204 only to a verified delivery, refuses forged, stale, foreign-algorithm and non-POST requests, and counts a duplicate once", async () => {
    const child = spawn(
      process.execPath,
      [OPENWOP_BIN, "webhooks", "listen", "--secret", SECRET, "--port", "0", "--count", "2", "--json"],
      { env: { ...process.env, XDG_CONFIG_HOME: configHome }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await eventually(() => /listening on (http:\/\/\S+)/.test(stderr), "the listener to start");
    const url = (/listening on (http:\/\/\S+)/.exec(stderr) as RegExpExecArray)[1] as string;
    const post = (body: string, headers: Record<string, string>) =>
      fetch(url, { method: "POST", headers, body }).then((response) => response.status);

    expect((await fetch(url)).status).toBe(405);
    expect(await post(delivery(1), signed(delivery(1), "not-the-secret"))).toBe(401);
    expect(await post(delivery(1), { ...signed(delivery(1)), "x-openwop-signature": "sha256=00" })).toBe(401);
    expect(await post(delivery(1), signed(delivery(1), SECRET, Math.floor(Date.now() / 1000) - 3600))).toBe(401);
    expect(await post(delivery(1), { ...signed(delivery(1)), "x-openwop-signature-algorithm": "v9" })).toBe(400);
    // The body altered after signing.
    expect(await post(delivery(9), signed(delivery(1)))).toBe(401);

    expect(await post(delivery(1), signed(delivery(1)))).toBe(204);
    expect(await post(delivery(1), signed(delivery(1)))).toBe(204);
    expect(await post(delivery(2), signed(delivery(2)))).toBe(204);
    expect(await exited).toBe(0);

    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line["sequence"], line["duplicate"]])).toEqual([
      [1, false],
      [1, true],
      [2, false],
    ]);
    expect(lines[0]).toMatchObject({
      verified: true,
      webhookId: "wh_test",
      eventType: "run.completed",
      runId: "run_1",
    });
    expect(stderr).toContain("2 verified deliveries");
    expect(stderr.match(/refused a /g)).toHaveLength(6);
  });

  it("needs --event or --secret (exit 2)", async () => {
    const result = await runOpenwop(["webhooks", "listen"], { configHome });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--event .*--secret/);
  });
});
