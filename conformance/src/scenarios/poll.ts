import type { Assertions } from "../runner/assertions.js";
import { validatePollResponse } from "@openwop/schema";
import { isTerminalEvent, readLog, startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

/** The timeout sent with a poll of a terminal run, which must not wait at all. */
const TERMINAL_POLL_TIMEOUT_S = 20;

/** The timeout of the long poll, and how far below it a poll that returned on an event must stay. */
const LONG_POLL_TIMEOUT_S = 30;
const LONG_POLL_SLACK_MS = 10_000;

export const pollScenarios: readonly Scenario[] = [
  {
    id: "poll-cursor-past-end",
    title: "A poll cursor at or past the end of a finished log gets 200 with no events",
    profiles: ["openwop-stream-poll"],
    spec: "spec/v1/stream-modes.md §4.3",
    gate: needsFixtures("conformance-noop"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-noop");
      await waitForTerminal(context, runId);
      const log = await readLog(context, runId);
      const last = log.at(-1)?.sequence ?? 0;
      for (const cursor of [last, last + 1000]) {
        const started = performance.now();
        const response = await client.raw(
          "GET",
          `/v1/runs/${encodeURIComponent(runId)}/events/poll?lastSequence=${cursor}&timeout=${TERMINAL_POLL_TIMEOUT_S}`,
        );
        assert.equal(response.status, 200, `poll with lastSequence=${cursor}`);
        assertSchemaValid(assert, validatePollResponse, response.body, `poll response at lastSequence=${cursor}`);
        const body = response.body as { events: unknown[]; isTerminal: boolean; isComplete: boolean };
        assert.deepEqual(body.events, [], `events after lastSequence=${cursor}`);
        assert.equal(body.isTerminal, true, `isTerminal at lastSequence=${cursor}`);
        assert.equal(body.isComplete, true, `isComplete at lastSequence=${cursor} (the client has seen the whole log)`);
        // A host that waited would answer at the poll's own timeout; half of it is slack
        // enough for a loaded machine, and stays below it whatever --timeout-scale says.
        const waited = Math.round(performance.now() - started);
        assert.ok(
          waited < (TERMINAL_POLL_TIMEOUT_S * 1000) / 2,
          `§4.4: a poll of a terminal run never waits; GET …/events/poll?lastSequence=${cursor}&timeout=${TERMINAL_POLL_TIMEOUT_S} took ${waited} ms`,
        );
      }
    },
  },
  {
    id: "poll-long-wait",
    title: "A long-poll on a running run is held until the next event arrives",
    profiles: ["openwop-stream-poll"],
    spec: "spec/v1/stream-modes.md §4.4",
    gate: needsFixtures("conformance-delay"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      // Long enough that the poll sent at the end of the log is outstanding while the run
      // still sleeps, even on a loaded machine.
      const delayMs = 3_000;
      const runId = await startRun(context, "conformance-delay", { delayMs });
      await waitForRun(context, runId, (snapshot) => snapshot.status === "running", 10_000, "running");
      let cursor = (await client.pollEvents(runId)).events.at(-1)?.sequence;
      assert.ok(
        cursor !== undefined,
        `stream-modes.md §4.4: GET /v1/runs/{runId}/events/poll (running conformance-delay, delayMs ${delayMs}): a ` +
          "running run must have events to poll; last sequence",
        cursor,
      );
      // Events already appended answer at once; keep following the cursor until a poll has
      // to wait, which happens for the event that ends the delay. A poll was held when, after
      // it was sent, a read of the whole log showed nothing after its cursor and the poll was
      // still unanswered: no clock threshold decides it.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const started = performance.now();
        let answered = false;
        const polled = client.pollEvents(runId, { lastSequence: cursor, timeout: LONG_POLL_TIMEOUT_S });
        polled.then(
          () => {
            answered = true;
          },
          () => {
            answered = true;
          },
        );
        const log = await readLog(context, runId);
        const heldWithNothingToSend =
          log.at(-1)?.sequence === cursor && !log.some((event) => isTerminalEvent(event)) && !answered;
        const page = await polled;
        const waited = Math.round(performance.now() - started);
        assert.ok(
          page.events.length > 0,
          `§4.4: GET /v1/runs/{runId}/events/poll?lastSequence=${cursor}&timeout=${LONG_POLL_TIMEOUT_S} ` +
            `(answered after ${waited} ms): must return events rather than an empty page; page`,
          page,
        );
        assert.equal(page.events[0]?.sequence, cursor + 1, `the poll starts right after cursor ${cursor}`);
        if (heldWithNothingToSend) {
          // It came back with the new event; had it waited for its timeout it would have
          // taken the whole timeout. Slack for a loaded machine, below the timeout itself.
          assert.ok(
            waited < LONG_POLL_TIMEOUT_S * 1000 - LONG_POLL_SLACK_MS,
            `§4.4: the held poll returned ${waited} ms after it was sent, not when the event arrived (the delay is ${delayMs} ms, the poll's timeout ${LONG_POLL_TIMEOUT_S} s)`,
          );
          return;
        }
        if (page.isTerminal === true) break;
        cursor = page.events.at(-1)?.sequence ?? cursor;
      }
      assert.fail(
        "no poll was ever held: every poll was answered before a read of the log showed nothing after its cursor, so waiting for new events was not observed",
      );
    },
  },
];
