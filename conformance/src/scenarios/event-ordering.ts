import type { Assertions } from "../runner/assertions.js";
import { validatePollResponse, validateRunEvent } from "@openwop/schema";
import { isTerminalEvent, readLog, startRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

export const eventOrderingScenarios: readonly Scenario[] = [
  {
    id: "event-ordering",
    title: "A finished log is gapless from 0, ends with its one terminal event, and reads the same twice",
    profiles: ["openwop-core-standard", "openwop-stream-poll"],
    spec: "spec/v1/core.md §7.2",
    alsoCites: ["spec/v1/core.md §7.3", "spec/v1/stream-modes.md §4.2"],
    gate: needsFixtures("conformance-multi-node"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-multi-node");
      await waitForTerminal(context, runId);
      const first = await client.raw("GET", `/v1/runs/${encodeURIComponent(runId)}/events/poll`);
      assert.equal(first.status, 200, "poll of a finished run");
      assertSchemaValid(assert, validatePollResponse, first.body, "poll response");
      const events = await readLog(context, runId);
      assert.ok(events.length >= 3, "a finished multi-node run has at least three events");
      events.forEach((event, index) => {
        assertSchemaValid(assert, validateRunEvent, event, `event ${index} (${event.type})`);
        assert.equal(event.sequence, index, `sequence of event ${index} (gapless from 0, ascending)`);
        assert.equal(event.runId, runId, `runId of event ${index}`);
      });
      assert.equal(new Set(events.map((event) => event.eventId)).size, events.length, "eventIds are unique");
      const terminal = events.filter(isTerminalEvent);
      assert.equal(terminal.length, 1, "number of terminal events");
      assert.equal(events.at(-1)?.type, terminal[0]?.type, "the terminal event is the last event");
      assert.equal(events[0]?.type, "run.started", "the first event is run.started");
      const again = await readLog(context, runId);
      assert.deepEqual(again, events, "a second poll of a terminal run returns the identical log");
    },
  },
];
