import type { Assertions } from "../runner/assertions.js";
import { validatePollResponse, validateRunEvent } from "@openwop/schema";
import { eventOrder, isTerminalEvent, readLog, startRun, waitForTerminal } from "../lib/runs.js";
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
      const request = "GET /v1/runs/{runId}/events/poll (finished conformance-multi-node run, no cursor)";
      assert.equal(first.status, 200, `stream-modes.md §4.2: ${request}: status`);
      assertSchemaValid(assert, validatePollResponse, first.body, `stream-modes.md §4.2: ${request}: poll response`);
      const events = await readLog(context, runId);
      assert.ok(
        events.length >= 3,
        `§7.2: ${request}: a finished three-node run must log at least three events; event order (sequence type)`,
        eventOrder(events),
      );
      events.forEach((event, index) => {
        assertSchemaValid(assert, validateRunEvent, event, `§7.2: ${request}: event ${index} (${event.type})`);
        assert.equal(
          event.sequence,
          index,
          `§7.2: ${request}: sequence of event ${index} (${event.type}); sequences must be gapless from 0, ascending`,
        );
        assert.equal(event.runId, runId, `§7.2: ${request}: runId of event ${index} (${event.type})`);
      });
      assert.equal(
        new Set(events.map((event) => event.eventId)).size,
        events.length,
        `§7.2: ${request}: distinct eventIds among ${events.length} events (each must be unique)`,
      );
      const terminal = events.filter(isTerminalEvent);
      assert.equal(
        terminal.length,
        1,
        `§7.3: ${request}: number of terminal events (${eventOrder(terminal).join(", ") || "none"})`,
      );
      assert.equal(
        events.at(-1)?.type,
        terminal[0]?.type,
        `§7.3: ${request}: type of the last event (must be the terminal event)`,
      );
      assert.equal(events[0]?.type, "run.started", `§7.2: ${request}: type of the first event`);
      const again = await readLog(context, runId);
      assert.deepEqual(
        again,
        events,
        `stream-modes.md §4.2: ${request} read twice: the second read must return the identical log ` +
          `(first read, sequence type: ${eventOrder(events).join(", ")})`,
      );
    },
  },
];
