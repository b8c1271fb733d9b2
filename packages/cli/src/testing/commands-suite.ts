import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, RunProbe } from "@openwop/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OPENWOP_BIN,
  parseJson,
  parseJsonLines,
  runOpenwop,
  startTestHost,
  type HostKind,
  type TestHost,
} from "./openwop.js";

interface RunAnswer {
  runId: string;
  status: string;
}

/**
 * The commands every host serves, run through the built `openwop` binary against a real host
 * process: readiness, runs, interrupts, keys, the event feed, pause and resume. Each example
 * host's test file calls this once.
 */
export function describeCliCommands(kind: HostKind): void {
  describe(`openwop against the ${kind} host`, () => {
    let host: TestHost;
    let configHome: string;
    let probe: RunProbe;
    const tag = `cli-${randomBytes(4).toString("hex")}`;

    beforeAll(async () => {
      host = await startTestHost(kind);
      configHome = await mkdtemp(join(tmpdir(), "openwop-cli-config-"));
      probe = new RunProbe(() => host.url, host.apiKey);
    });
    afterAll(async () => {
      await host?.close();
      await rm(configHome, { recursive: true, force: true });
    });

    /** The binary with the host's URL and admin key in the environment. */
    const openwop = (args: readonly string[], env: Record<string, string> = {}) =>
      runOpenwop(args, {
        configHome,
        env: { OPENWOP_BASE_URL: host.url, OPENWOP_API_KEY: host.apiKey, ...env },
      });

    describe("doctor", () => {
      it("reports a ready host with exit 0, and --json prints the readiness object itself", async () => {
        const human = await openwop(["doctor", "--scope", "runs:create,runs:read"]);
        expect(human.code, human.stderr).toBe(0);
        expect(human.stdout).toMatch(/^ready$/m);
        expect(human.stdout).toMatch(/tenant\s+default/);
        expect(human.stdout + human.stderr).not.toContain(host.apiKey);

        const json = await openwop(["doctor", "--json"]);
        expect(json.code, json.stderr).toBe(0);
        const report = parseJson<{ ok: boolean; blockers: unknown[]; warnings: unknown[]; facts: { tenant?: string } }>(
          json,
        );
        expect(report).toMatchObject({ ok: true, blockers: [], facts: { tenant: "default" } });
        expect(Array.isArray(report.warnings)).toBe(true);
      });

      it("exits 1 with the blocker listed when the key is refused, or lacks a scope asked for", async () => {
        const refused = await openwop(["doctor", "--api-key", "hk_test_not_a_key_0000000000"]);
        expect(refused.code).toBe(1);
        expect(refused.stdout).toMatch(/blockers:\n\s+✗ key_rejected/);
        expect(refused.stdout).toMatch(/fix: /);
        expect(refused.stdout).toMatch(/not ready: 1 blocker/);
        expect(refused.stdout + refused.stderr).not.toContain("hk_test_not_a_key_0000000000");

        const json = await openwop(["doctor", "--json"], { OPENWOP_API_KEY: "hk_test_not_a_key_0000000000" });
        expect(json.code).toBe(1);
        const report = parseJson<{ ok: boolean; blockers: Array<{ code: string; fix: string }> }>(json);
        expect(report.ok).toBe(false);
        expect(report.blockers.map((blocker) => blocker.code)).toEqual(["key_rejected"]);

        const scoped = await openwop(["doctor", "--scope", "runs:create", "--json"], {
          OPENWOP_API_KEY: host.readOnlyKey,
        });
        expect(scoped.code).toBe(1);
        expect(parseJson<{ blockers: Array<{ code: string }> }>(scoped).blockers.map((b) => b.code)).toEqual([
          "scope_missing",
        ]);
      });
    });

    describe("runs", () => {
      it("create --wait follows the run to completed; --json prints its snapshot and nothing else", async () => {
        const waited = await openwop([
          "runs",
          "create",
          "conformance-delay",
          "--input",
          "delayMs=100",
          "--tag",
          tag,
          "--wait",
          "--json",
        ]);
        expect(waited.code, waited.stderr).toBe(0);
        const snapshot = parseJson<RunAnswer & { inputs: unknown; tags: string[] }>(waited);
        expect(snapshot).toMatchObject({ status: "completed", inputs: { delayMs: 100 }, tags: [tag] });
        expect(waited.stderr).toContain(`created run ${snapshot.runId}`);

        const human = await openwop(["runs", "create", "conformance-noop", "--tag", tag, "--wait"]);
        expect(human.code, human.stderr).toBe(0);
        expect(human.stdout).toMatch(/^status\s+completed$/m);
      });

      it("create --wait exits 1 when the run fails, naming its error", async () => {
        const failed = await openwop(["runs", "create", "conformance-failure", "--wait"]);
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/ended failed/);
      });

      it("create reads --inputs-file and answers a replay under the same --idempotency-key with the same run", async () => {
        const key = `cli-idem-${randomBytes(4).toString("hex")}`;
        const args = [
          "runs",
          "create",
          "conformance-idempotent",
          "--inputs-file",
          "-",
          "--idempotency-key",
          key,
          "--json",
        ];
        const stdin = JSON.stringify({ nonce: key });
        const first = await runOpenwop(args, {
          configHome,
          stdin,
          env: { OPENWOP_BASE_URL: host.url, OPENWOP_API_KEY: host.apiKey },
        });
        const second = await runOpenwop(args, {
          configHome,
          stdin,
          env: { OPENWOP_BASE_URL: host.url, OPENWOP_API_KEY: host.apiKey },
        });
        expect(first.code, first.stderr).toBe(0);
        expect(parseJson<RunAnswer & { replayed: boolean }>(second)).toMatchObject({
          runId: parseJson<RunAnswer>(first).runId,
          replayed: true,
        });
      });

      it("list --json prints the page; --all walks every page with progress on standard error", async () => {
        const listed = await openwop(["runs", "list", "--tag", tag, "--json"]);
        expect(listed.code, listed.stderr).toBe(0);
        const page = parseJson<{ runs: Array<RunAnswer & { tags: string[] }>; nextCursor: string | null }>(listed);
        expect(page.runs).toHaveLength(2);
        expect(page.runs.every((run) => run.tags.includes(tag) && run.status === "completed")).toBe(true);

        const all = await openwop(["runs", "list", "--tag", tag, "--limit", "1", "--all", "--json"]);
        expect(all.code, all.stderr).toBe(0);
        expect(parseJson<{ runs: RunAnswer[] }>(all).runs.map((run) => run.runId)).toEqual(
          page.runs.map((run) => run.runId),
        );
        expect(all.stderr).toMatch(/fetched 2 runs/);

        const table = await openwop(["runs", "list", "--tag", tag]);
        expect(table.stdout.split("\n")[0]).toMatch(/^RUN\s+WORKFLOW\s+STATUS\s+CREATED\s+NODE\s+TAGS$/);
        const [first, second] = table.stdout.split("\n").slice(1);
        expect(first?.indexOf("completed")).toBe(second?.indexOf("completed"));

        const get = await openwop(["runs", "get", page.runs[0]?.runId ?? "", "--json"]);
        expect(parseJson<RunAnswer>(get).runId).toBe(page.runs[0]?.runId);
      });

      it("watch prints one line per event off a terminal and exits 0 on completed; --json one event per line", async () => {
        const runId = await probe.create("conformance-multi-node");
        const watched = await openwop(["runs", "watch", runId]);
        expect(watched.code, watched.stderr).toBe(0);
        expect(watched.stdout).toMatch(/^\s+0 {2}\S+ {2}run\.started$/m);
        expect(watched.stdout).toMatch(/run\.completed\n/);
        expect(watched.stdout).toMatch(/completed$/m);
        expect(watched.stdout).not.toContain("\r");

        const json = await openwop(["runs", "watch", runId, "--json"]);
        const events = parseJsonLines<{ type: string; sequence: number }>(json);
        expect(events.at(0)?.type).toBe("run.started");
        expect(events.at(-1)?.type).toBe("run.completed");
      });

      it("cancel cancels a live run; an unknown one exits 1 with the canonical error envelope", async () => {
        const runId = await probe.create("conformance-cancellable");
        const cancelled = await openwop(["runs", "cancel", runId, "--reason", "cli test", "--json"]);
        expect(cancelled.code, cancelled.stderr).toBe(0);
        expect(["cancelling", "cancelled"]).toContain(parseJson<RunAnswer>(cancelled).status);
        await probe.waitFor(runId, ["cancelled"], 10_000);

        // A run already ended answers 200 with its status (core.md §6.7): nothing to refuse.
        const done = await probe.create("conformance-noop");
        await probe.waitFor(done, ["completed"], 10_000);
        const late = await openwop(["runs", "cancel", done]);
        expect(late.code, late.stderr).toBe(0);
        expect(late.stdout).toBe(`run ${done} completed\n`);

        const unknown = await openwop(["runs", "cancel", "no-such-run"]);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toMatch(/^error 404: not_found: /m);
        const json = await openwop(["runs", "cancel", "no-such-run", "--json"]);
        expect(json.code).toBe(1);
        expect(parseJson(json)).toMatchObject({ error: "not_found", message: expect.any(String) });
      });

      it("bulk-cancel shows one result per id in order, and exits 1 when any was refused", async () => {
        const live = [await probe.create("conformance-cancellable"), await probe.create("conformance-cancellable")];
        const ok = await openwop(["runs", "bulk-cancel", ...live, "--reason", "cli bulk"]);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(/^RUN\s+RESULT\s+STATUS\s+ERROR$/m);

        const mixed = await openwop(["runs", "bulk-cancel", live[0] ?? "", "no-such-run", "--json"]);
        expect(mixed.code).toBe(1);
        const answer = parseJson<{ results: Array<{ runId: string; ok: boolean; error?: { error: string } }> }>(mixed);
        expect(answer.results.map((result) => result.runId)).toEqual([live[0], "no-such-run"]);
        expect(answer.results[1]).toMatchObject({ ok: false, error: { error: "not_found" } });
      });

      it("pause holds a run and resume lets it finish", async () => {
        const runId = await probe.create("conformance-delay", { delayMs: 1_500 });
        await probe.waitFor(runId, ["running"], 10_000);
        const paused = await openwop([
          "runs",
          "pause",
          runId,
          "--reason",
          "cli check",
          "--drain-policy",
          "drain-current-node",
          "--json",
        ]);
        expect(paused.code, paused.stderr).toBe(0);
        expect(parseJson(paused)).toMatchObject({ runId, status: "paused", pausedAt: expect.any(String) });
        expect(await probe.status(runId)).toBe("paused");

        const twice = await openwop(["runs", "pause", runId]);
        expect(twice.code).toBe(1);
        expect(twice.stderr).toMatch(/run_not_pausable/);
        expect(twice.stderr).toMatch(/"runStatus":"paused"/);

        const resumed = await openwop(["runs", "resume", runId]);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stdout).toMatch(new RegExp(`^run ${runId} running at `));
        expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 10_000)).toBe("completed");
      });
    });

    describe("interrupts resolve", () => {
      it("--approve resumes an approval gate to completed", async () => {
        const runId = await probe.create("conformance-approval");
        await probe.waitFor(runId, ["waiting-approval"], 10_000);
        const resolved = await openwop(["interrupts", "resolve", runId, "gate", "--approve", "--json"]);
        expect(resolved.code, resolved.stderr).toBe(0);
        expect(parseJson(resolved)).toMatchObject({ runId, nodeId: "gate" });
        expect(await probe.waitFor(runId, ["completed", "failed", "cancelled"], 10_000)).toBe("completed");
      });

      it("--answer text answers the only question, found in the run's log; --reject fails an approval", async () => {
        const asked = await probe.create("conformance-clarification");
        await probe.waitFor(asked, ["waiting-input"], 10_000);
        const answered = await openwop(["interrupts", "resolve", asked, "ask", "--answer", "blue"]);
        expect(answered.code, answered.stderr).toBe(0);
        expect(await probe.waitFor(asked, ["completed", "failed", "cancelled"], 10_000)).toBe("completed");
        const resolution = (await probe.events(asked)).find((event) => event.type === "interrupt.resolved");
        expect(resolution?.payload["resumeValue"]).toEqual({ answers: { q1: "blue" } });

        const gated = await probe.create("conformance-approval");
        await probe.waitFor(gated, ["waiting-approval"], 10_000);
        const rejected = await openwop(["interrupts", "resolve", gated, "gate", "--reject", "--comment", "no"]);
        expect(rejected.code, rejected.stderr).toBe(0);
        expect(await probe.waitFor(gated, ["completed", "failed", "cancelled"], 10_000)).toBe("failed");
      });

      it("needs exactly one of --approve, --reject or --answer (exit 2), and exits 1 when nothing waits", async () => {
        const neither = await openwop(["interrupts", "resolve", "some-run", "gate"]);
        expect(neither.code).toBe(2);
        expect(neither.stderr).toMatch(/exactly one of --approve, --reject or --answer/);
        const runId = await probe.create("conformance-noop");
        await probe.waitFor(runId, ["completed"], 10_000);
        const late = await openwop(["interrupts", "resolve", runId, "noop", "--approve"]);
        expect(late.code).toBe(1);
        expect(late.stderr).toMatch(/^error 4\d\d: /m);
      });
    });

    describe("keys", () => {
      it("whoami, issue, and revoke: the revoked key is refused afterwards", async () => {
        const whoami = await openwop(["keys", "whoami", "--json"]);
        expect(whoami.code, whoami.stderr).toBe(0);
        expect(parseJson(whoami)).toMatchObject({ tenant: "default", status: "active" });

        const issued = await openwop([
          "keys",
          "issue",
          "--scope",
          "runs:read",
          "--scope",
          "runs:create",
          "--label",
          "cli",
          "--json",
        ]);
        expect(issued.code, issued.stderr).toBe(0);
        const key = parseJson<{ keyId: string; key: string; scopes: string[] }>(issued);
        expect(key.scopes.sort()).toEqual(["runs:create", "runs:read"]);

        const asNew = await openwop(["keys", "whoami"], { OPENWOP_API_KEY: key.key });
        expect(asNew.code, asNew.stderr).toBe(0);
        expect(asNew.stdout).toMatch(/^label\s+cli$/m);
        expect(asNew.stdout).not.toContain(key.key);

        const listed = await openwop(["keys", "list", "--json"]);
        expect(parseJson<{ keys: Array<{ keyId: string }> }>(listed).keys.map((k) => k.keyId)).toContain(key.keyId);

        const revoked = await openwop(["keys", "revoke", key.keyId]);
        expect(revoked.code, revoked.stderr).toBe(0);
        await eventually(async () => {
          const refused = await openwop(["keys", "whoami"], { OPENWOP_API_KEY: key.key });
          return refused.code === 1 && /key_revoked/.test(refused.stderr);
        }, "the revoked key to be refused");

        const failures = await openwop(["keys", "failures", "--json"]);
        expect(failures.code, failures.stderr).toBe(0);
        expect(parseJson<{ failures: Array<{ reason: string }> }>(failures).failures.map((f) => f.reason)).toContain(
          "revoked",
        );
      });

      it("keys issue without a scope is a usage error", async () => {
        const bare = await openwop(["keys", "issue"]);
        expect(bare.code).toBe(2);
        expect(bare.stderr).toMatch(/at least one --scope/);
      });
    });

    describe("events tail", () => {
      it("prints the feed until caught up, resumes --after a cursor, and --follow runs until Ctrl-C", async () => {
        const runId = await probe.create("conformance-noop");
        await probe.waitFor(runId, ["completed"], 10_000);
        const tailed = await openwop(["events", "tail", "--json"]);
        expect(tailed.code, tailed.stderr).toBe(0);
        const feed = parseJson<{
          events: Array<{ cursor: string; event: { runId: string; type: string } }>;
          nextCursor: string;
        }>(tailed);
        expect(feed.events.some((entry) => entry.event.runId === runId && entry.event.type === "run.completed")).toBe(
          true,
        );
        expect(tailed.stderr).toMatch(/caught up/);

        const later = await probe.create("conformance-noop");
        await probe.waitFor(later, ["completed"], 10_000);
        const resumed = await openwop(["events", "tail", "--after", feed.nextCursor]);
        expect(resumed.code, resumed.stderr).toBe(0);
        const lines = resumed.stdout.trim().split("\n");
        expect(lines.every((line) => line.includes(later))).toBe(true);
        expect(lines.at(-1)).toMatch(/run\.completed$/);

        // --follow: started at the end of the feed, it prints a run created afterwards, and ends at Ctrl-C with 0.
        const follower = spawn(
          process.execPath,
          [OPENWOP_BIN, "events", "tail", "--follow", "--json", "--after", feed.nextCursor],
          {
            env: {
              ...process.env,
              NO_COLOR: "1",
              XDG_CONFIG_HOME: configHome,
              OPENWOP_BASE_URL: host.url,
              OPENWOP_API_KEY: host.apiKey,
            },
          },
        );
        let stdout = "";
        let stderr = "";
        follower.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        follower.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => follower.on("close", (code) => resolve(code)));
        await eventually(() => stderr.includes("following the event feed"), "the follower to start");
        const followed = await probe.create("conformance-noop");
        await eventually(
          () => stdout.includes(followed) && stdout.includes("run.completed"),
          "the followed run's events",
        );
        follower.kill("SIGINT");
        expect(await exited).toBe(0);
        const entries = parseJsonLines<{ event: { runId: string; type: string } }>({ code: 0, stdout, stderr });
        expect(entries.some((entry) => entry.event.runId === followed && entry.event.type === "run.completed")).toBe(
          true,
        );
      });
    });
  });
}
