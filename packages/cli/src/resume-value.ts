import type { OpenWopClient } from "@openwop/client";
import type { RunEvent } from "@openwop/types";
import { UsageError } from "./failures.js";
import { jsonOrText } from "./inputs.js";

/**
 * The `resumeValue` of `openwop interrupts resolve`, in the shapes hosts take (core.md §10.4,
 * §10.5): `--approve` and `--reject` are approval decisions (`{action: "accept"|"reject"}`);
 * `--answer` is a clarification reply. An answer that is a JSON object carrying `action` or
 * `answers` is sent as it is; any other JSON object is the answers map (`{"q1": "blue"}`);
 * plain text answers the interrupt's only question, whose id is read from the run's
 * `interrupt.requested` event.
 */
export interface ResolveChoice {
  readonly approve?: boolean;
  readonly reject?: boolean;
  readonly answer?: string;
  readonly comment?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export async function buildResumeValue(
  choice: ResolveChoice,
  lookup: () => Promise<InterruptRequest | undefined>,
): Promise<Record<string, unknown>> {
  const chosen = [choice.approve === true, choice.reject === true, choice.answer !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError("give exactly one of --approve, --reject or --answer <json-or-text>");
  const comment = choice.comment === undefined ? {} : { comment: choice.comment };
  if (choice.approve) return { action: "accept", ...comment };
  if (choice.reject) return { action: "reject", ...comment };

  const answer = jsonOrText(choice.answer ?? "");
  if (isRecord(answer)) return "action" in answer || "answers" in answer ? answer : { answers: answer };
  const request = await lookup();
  if (request === undefined) {
    throw new UsageError("no pending interrupt.requested at that node; pass the resume value as a JSON object");
  }
  if (request.kind !== "clarification") {
    throw new UsageError(
      `the interrupt at node ${request.nodeId} is ${request.kind === "approval" ? "an approval: use --approve or --reject, or" : `of kind ${request.kind}:`} pass --answer a JSON object`,
    );
  }
  const [only, ...others] = request.questionIds;
  if (only === undefined || others.length > 0) {
    const ids = request.questionIds.join(", ") || "none listed";
    throw new UsageError(
      `the interrupt asks ${request.questionIds.length} questions (${ids}); answer them as JSON: --answer '{"<id>": "…"}'`,
    );
  }
  return { answers: { [only]: choice.answer ?? "" } };
}

/** What a run's `interrupt.requested` event asked, as far as building an answer needs. */
export interface InterruptRequest {
  readonly nodeId: string;
  readonly kind: string;
  readonly questionIds: readonly string[];
}

/** The last `interrupt.requested` of `nodeId` in the run's log, read page by page through poll. */
export async function findInterruptRequest(
  client: OpenWopClient,
  runId: string,
  nodeId: string,
): Promise<InterruptRequest | undefined> {
  let found: RunEvent | undefined;
  let lastSequence: number | undefined;
  for (;;) {
    // After the first page a cursor is sent, and an empty answer is held for `timeout`: keep it short.
    const page = await client.pollEvents(runId, lastSequence === undefined ? {} : { lastSequence, timeout: 1 });
    for (const event of page.events) {
      const payload = isRecord(event.payload) ? event.payload : {};
      if (event.type === "interrupt.requested" && (event.nodeId ?? payload["nodeId"]) === nodeId) found = event;
    }
    const last = page.events.at(-1);
    if (last === undefined || page.isComplete) break;
    lastSequence = last.sequence;
  }
  if (found === undefined) return undefined;
  const payload = isRecord(found.payload) ? found.payload : {};
  const data = isRecord(payload["data"]) ? payload["data"] : {};
  const questions = Array.isArray(data["questions"]) ? data["questions"] : [];
  return {
    nodeId,
    kind: typeof payload["kind"] === "string" ? payload["kind"] : "unknown",
    questionIds: questions.flatMap((question) =>
      isRecord(question) && typeof question["id"] === "string" ? [question["id"]] : [],
    ),
  };
}
