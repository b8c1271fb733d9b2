import type { Readiness, ReadinessIssue } from "@openwop/client";
import type { Command } from "commander";
import { maskKey } from "../config.js";
import { CommandFailed } from "../failures.js";
import { collectList } from "../option-values.js";
import type { Output } from "../output.js";
import { withExample } from "../help.js";
import { sessionFor, type CliIo } from "../session.js";

interface DoctorOptions {
  readonly scope?: readonly string[];
}

/** `openwop doctor`: the client's readiness report; exit 0 when ready, 1 with the blockers listed. */
export function registerDoctor(program: Command, io: CliIo): void {
  const doctor = program
    .command("doctor")
    .description(
      "check that work can start: discovery, the key and its scopes, host readiness and queue, webhook circuits, clock skew",
    )
    .option("--scope <scopes>", "a scope you are about to use (repeatable or comma-separated)", collectList)
    .action(async (options: DoctorOptions, command: Command) => {
      const session = sessionFor(io, command);
      const client = await session.client({ keyRequired: false });
      const connection = await session.connection();
      const report = await client.readiness(options.scope === undefined ? {} : { scopes: options.scope });
      const { out } = session;
      out.result(report, () => {
        const key =
          connection.apiKey === undefined ? "none" : `${maskKey(connection.apiKey)} (${connection.sources.apiKey})`;
        out.line(`${out.paint("bold", "openwop doctor")}  ${client.baseUrl}  key ${key}`);
        printFacts(out, report);
        printIssues(out, "blockers", report.blockers, "red", "✗");
        printIssues(out, "warnings", report.warnings, "yellow", "!");
        out.line(
          report.ok
            ? out.paint("green", "ready")
            : out.paint("red", `not ready: ${count(report.blockers.length, "blocker")}`),
        );
      });
      if (!report.ok) {
        throw new CommandFailed(`not ready: ${report.blockers.map((blocker) => blocker.code).join(", ")}`);
      }
    });
  withExample(doctor, "openwop doctor", "openwop doctor --scope runs:create,runs:read --json");
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function printFacts(out: Output, report: Readiness): void {
  const { facts } = report;
  const pairs: Array<readonly [string, unknown]> = [];
  if (facts.implementation !== undefined || facts.protocolVersion !== undefined) {
    pairs.push(["host", `${facts.implementation ?? "?"}, protocol ${facts.protocolVersion ?? "?"}`]);
  }
  if (facts.tenant !== undefined) pairs.push(["tenant", facts.tenant]);
  if (facts.scopes !== undefined) pairs.push(["scopes", facts.scopes]);
  if (facts.keyExpiresAt !== undefined) pairs.push(["key expires", facts.keyExpiresAt ?? "never"]);
  if (facts.pendingRuns !== undefined) {
    pairs.push(["queue", `${facts.pendingRuns} pending of at most ${facts.maxPendingRuns ?? "?"}`]);
  }
  if (facts.clockSkewSeconds !== undefined) pairs.push(["clock skew", `${facts.clockSkewSeconds} s`]);
  if (pairs.length > 0) out.fields(pairs);
}

function printIssues(
  out: Output,
  title: string,
  issues: readonly ReadinessIssue[],
  style: "red" | "yellow",
  mark: string,
): void {
  if (issues.length === 0) return;
  out.line(`${title}:`);
  for (const issue of issues) {
    out.line(`  ${out.paint(style, `${mark} ${issue.code}`)}  ${issue.message}`);
    out.line(`      fix: ${issue.fix}`);
  }
}
