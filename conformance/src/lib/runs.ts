import type { Assertions } from "../runner/assertions.js";
import { WireError, type OpenWopClient } from "@openwop/client";
import { isTerminalEventType, isTerminalStatus, type RunEvent, type RunSnapshot } from "@openwop/types";
import type { ScenarioContext } from "../runner/scenario.js";

/** True for the event that ends a run's log (exactly one of them ends every log). */
export const isTerminalEvent = (event: { type: string }) => isTerminalEventType(event.type);

/**
 * Creates a run and asserts the 201 contract, as setup: the checks fail the scenario when
 * they do not hold but are not its evidence. Cancels the run on cleanup when the scenario
 * leaves it unfinished, so a failing scenario does not leave long delays running.
 */
export async function startRun(
  context: ScenarioContext,
  workflowId: string,
  inputs?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const assert: Assertions = context.setupAssert;
  const response = await context.client.raw("POST", "/v1/runs", {
    body: { workflowId, ...(inputs === undefined ? {} : { inputs }), ...extra },
  });
  assert.equal(response.status, 201, `POST /v1/runs (${workflowId}) status`);
  const body = response.body as Record<string, unknown> | undefined;
  assert.isString(body?.runId, `POST /v1/runs (${workflowId}) runId`);
  const runId = body.runId as string;
  context.defer(() => cancelQuietly(context, runId));
  return runId;
}

/** Best-effort cancel for cleanup; a terminal or vanished run is fine. */
export async function cancelQuietly(context: ScenarioContext, runId: string): Promise<void> {
  const snapshot = await context.client.getRun(runId).catch(() => undefined);
  if (snapshot !== undefined && !isTerminalStatus(snapshot.status)) {
    await context.client.cancelRun(runId, "conformance cleanup").catch(() => undefined);
  }
}

/**
 * Polls `GET /v1/runs/{id}` every 100 ms until `done(snapshot)`. A 404 right after create
 * is tolerated (the contract allows a brief window); other failures throw, unless
 * `via.tolerateErrors` says the host is expected to be unreachable for a while (a restart).
 */
export async function waitForRun(
  context: ScenarioContext,
  runId: string,
  done: (snapshot: RunSnapshot) => boolean,
  timeoutMs: number,
  what: string,
  via: { readonly client?: OpenWopClient; readonly tolerateErrors?: boolean } = {},
): Promise<RunSnapshot> {
  const client = via.client ?? context.client;
  const deadline = Date.now() + context.scaled(timeoutMs);
  let last: RunSnapshot | undefined;
  for (;;) {
    try {
      last = await client.getRun(runId);
      if (done(last)) return last;
    } catch (error) {
      const earlyNotFound = error instanceof WireError && error.status === 404 && last === undefined;
      if (!earlyNotFound && via.tolerateErrors !== true) throw error;
    }
    if (Date.now() > deadline || context.signal.aborted) {
      return context.assert.fail(
        `run ${runId} did not reach ${what} within ${context.scaled(timeoutMs)} ms (last status ${last?.status ?? "unknown"})`,
      );
    }
    await context.sleep(100);
  }
}

export const waitForTerminal = (context: ScenarioContext, runId: string, timeoutMs = 10_000) =>
  waitForRun(context, runId, (snapshot) => isTerminalStatus(snapshot.status), timeoutMs, "a terminal status");

/** The full event log of a run, read with one poll and no cursor. */
export async function readLog(context: ScenarioContext, runId: string): Promise<RunEvent[]> {
  const response = await context.client.pollEvents(runId);
  return [...response.events];
}

/** A log as `sequence type` pairs, for failure messages that show the order the host wrote. */
export const eventOrder = (events: readonly RunEvent[]): string[] =>
  events.map((event) => `${event.sequence} ${event.type}`);
