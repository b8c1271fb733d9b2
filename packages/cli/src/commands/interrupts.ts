import type { Command } from "commander";
import { withExample } from "../help.js";
import { buildResumeValue, findInterruptRequest, type ResolveChoice } from "../resume-value.js";
import { sessionFor, type CliIo } from "../session.js";

/** `openwop interrupts resolve`: answer the approval or clarification a run waits on. */
export function registerInterrupts(program: Command, io: CliIo): void {
  const interrupts = program.command("interrupts").description("answer the interrupts runs wait on");
  withExample(interrupts, "openwop interrupts resolve run_01J… gate --approve");

  const resolve = interrupts
    .command("resolve")
    .description("resolve a pending interrupt (POST /v1/runs/{runId}/interrupts/{nodeId})")
    .argument("<runId>")
    .argument("<nodeId>", "the node that suspended the run")
    .option("--approve", 'approve: resumeValue {"action": "accept"}')
    .option("--reject", 'reject: resumeValue {"action": "reject"}')
    .option(
      "--answer <json-or-text>",
      'a clarification answer: text answers the only question; a JSON object is the answers map, or the whole resumeValue when it has "action" or "answers"',
    )
    .option("--comment <text>", "a comment recorded with --approve or --reject")
    .action(async (runId: string, nodeId: string, options: ResolveChoice, command: Command) => {
      const session = sessionFor(io, command);
      const client = await session.client();
      const resumeValue = await buildResumeValue(options, () => findInterruptRequest(client, runId, nodeId));
      const answer = await client.resolveInterrupt(runId, nodeId, resumeValue);
      const { out } = session;
      out.result(answer, () =>
        out.line(`resolved ${answer.nodeId} of run ${answer.runId}; the run is ${out.status(answer.status)}`),
      );
    });
  withExample(
    resolve,
    "openwop interrupts resolve run_01J… gate --approve",
    "openwop interrupts resolve run_01J… ask --answer blue",
    `openwop interrupts resolve run_01J… ask --answer '{"q1": "blue", "q2": "large"}'`,
  );
}
