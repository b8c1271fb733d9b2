import type { Assertions } from "../runner/assertions.js";
import { validatePollResponse } from "@openwop/schema";
import { readLog, startRun, waitForRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

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
          `/v1/runs/${encodeURIComponent(runId)}/events/poll?lastSequence=${cursor}&timeout=5`,
        );
        assert.equal(response.status, 200, `poll with lastSequence=${cursor}`);
        assertSchemaValid(assert, validatePollResponse, response.body, `poll response at lastSequence=${cursor}`);
        const body = response.body as { events: unknown[]; isTerminal: boolean; isComplete: boolean };
        assert.deepEqual(body.events, [], `events after lastSequence=${cursor}`);
        assert.equal(body.isTerminal, true, `isTerminal at lastSequence=${cursor}`);
        assert.equal(body.isComplete, true, `isComplete at lastSequence=${cursor} (the client has seen the whole log)`);
        assert.ok(performance.now() - started < context.scaled(4_000), "a poll of a terminal run never waits");
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
      const delayMs = 1_500;
      const runId = await startRun(context, "conformance-delay", { delayMs });
      await waitForRun(context, runId, (snapshot) => snapshot.status === "running", 2_000, "running");
      let cursor = (await client.pollEvents(runId)).events.at(-1)?.sequence;
      assert.ok(cursor !== undefined, "a running run has events to poll");
      // Events already appended answer at once; keep following the cursor until a poll has
      // to wait, which happens for the event that ends the delay.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const started = performance.now();
        const page = await client.pollEvents(runId, { lastSequence: cursor, timeout: 20 });
        const waited = performance.now() - started;
        assert.ok(page.events.length > 0, `the poll after cursor ${cursor} returned events rather than an empty page`);
        assert.equal(page.events[0]?.sequence, cursor + 1, `the poll starts right after cursor ${cursor}`);
        if (waited > 300) {
          assert.ok(
            waited < context.scaled(delayMs + 10_000),
            "the held poll returned when the event arrived, not at its timeout",
          );
          return;
        }
        if (page.isTerminal === true) break;
        cursor = page.events.at(-1)?.sequence ?? cursor;
      }
      assert.fail("no poll was ever held: every page answered at once, so waiting for new events was not observed");
    },
  },
];
