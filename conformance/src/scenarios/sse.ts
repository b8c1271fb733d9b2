import type { SseFrame } from "@openwop/client";
import { isTerminalStatus } from "@openwop/types";
import { validateRunEvent } from "@openwop/schema";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import { readLog, startRun, waitForTerminal } from "../lib/runs.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { collectFrames, frameEvent } from "../lib/sse.js";
import { updatesView } from "../lib/stream-modes.js";
import type { Assertions } from "../runner/assertions.js";
import { needsFixtures } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

const STREAM_MODES = ["updates", "values", "messages", "debug"];

/** Checks the three-field framing of stream-modes.md §2.3 and returns the frames' sequences. */
function assertFraming(assert: Assertions, frames: readonly SseFrame[], stream: string): number[] {
  const label = `stream-modes.md §2.3: GET /v1/runs/{runId}/events (${stream})`;
  const sequences: number[] = [];
  frames.forEach((frame, index) => {
    const event = frameEvent(frame);
    assert.isObject(event, `${label} frame ${index}: data must be one JSON object`);
    assert.match(frame.id, /^(0|[1-9][0-9]*)$/, `${label} frame ${index}: id must be a base-10 sequence`);
    assert.equal(Number(frame.id), event.sequence, `${label} frame ${index}: id equals data.sequence`);
    assert.equal(frame.event, event.type, `${label} frame ${index}: event equals data.type`);
    const previous = sequences.at(-1);
    assert.ok(
      previous === undefined || (event.sequence as number) > previous,
      `${label} frame ${index}: sequence ${String(event.sequence)} must be greater than the previous frame's ` +
        `${previous}; sequences strictly increase on one connection; sequences so far`,
      sequences,
    );
    sequences.push(event.sequence as number);
  });
  return sequences;
}

const sequencesOf = (frames: readonly SseFrame[]) => frames.map((frame) => Number(frame.id));

const valuesTerminal = (frame: SseFrame) => {
  const status = (frameEvent(frame)?.payload as { status?: unknown } | undefined)?.status;
  return typeof status === "string" && isTerminalStatus(status);
};

export const sseScenarios: readonly Scenario[] = [
  {
    id: "sse-framing",
    title: "SSE frames carry id = sequence, event = type and one JSON event in data",
    profiles: ["openwop-stream-sse"],
    spec: "spec/v1/stream-modes.md §2.3",
    gate: needsFixtures("conformance-delay"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-delay", { delayMs: 500 });
      const read = await collectFrames(context, runId, { stopAtTerminal: true, boundMs: 15_000 });
      assert.equal(read.status, 200, "GET /v1/runs/{id}/events status");
      assert.match(read.headers.get("content-type"), /^text\/event-stream\b/i, "stream Content-Type");
      assert.equal(
        read.endedBy,
        "terminal",
        "the stream delivers the terminal event (it must not end or stall before it)",
      );
      assertFraming(assert, read.frames, "updates");
      for (const [index, frame] of read.frames.entries()) {
        assertSchemaValid(assert, validateRunEvent, frameEvent(frame), `frame ${index} data`);
      }
      const types = read.frames.map((frame) => frame.event);
      assert.ok(
        types.includes("run.started"),
        "stream-modes.md §2.3: GET /v1/runs/{runId}/events (conformance-delay, delayMs 500): the stream must carry " +
          "run.started; frame event types",
        types,
      );
      assert.equal(types.at(-1), "run.completed", "the stream's terminal frame is run.completed");
    },
  },
  {
    id: "sse-resume",
    title: "Last-Event-ID resumes mid-run after that sequence, without gaps or repeats",
    profiles: ["openwop-stream-sse"],
    spec: "spec/v1/stream-modes.md §2.6",
    gate: needsFixtures("conformance-delay"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-delay", { delayMs: 1_500 });
      const head = await collectFrames(context, runId, {
        streamMode: "debug",
        stopAtTerminal: true,
        boundMs: 10_000,
        maxFrames: 2,
      });
      assert.equal(head.endedBy, "bound", "the first connection is cut mid-run after two frames");
      const headSequences = assertFraming(assert, head.frames, "first connection");
      const lastSeen = headSequences.at(-1) as number;
      const tail = await collectFrames(context, runId, {
        streamMode: "debug",
        lastEventId: lastSeen,
        stopAtTerminal: true,
        boundMs: 15_000,
      });
      assert.equal(tail.status, 200, "resumed stream status");
      assert.equal(tail.endedBy, "terminal", "the resumed stream reaches the terminal event");
      const tailSequences = assertFraming(assert, tail.frames, "resumed connection");
      assert.equal(
        tailSequences[0],
        lastSeen + 1,
        `the resumed stream starts right after Last-Event-ID ${lastSeen} (no repeat, no gap)`,
      );
      const combined = [...headSequences, ...tailSequences];
      assert.deepEqual(
        combined,
        combined.map((_sequence, index) => index),
        "the two connections together carry the whole log, gapless from 0",
      );
      const log = await readLog(context, runId);
      assert.deepEqual(
        combined,
        log.map((event) => event.sequence),
        "debug frames across the cut equal the polled log",
      );
      const badCursor = await client.raw("GET", `/v1/runs/${encodeURIComponent(runId)}/events`, {
        headers: { accept: "text/event-stream", "last-event-id": "not-a-number" },
      });
      assertErrorEnvelope(assert, badCursor, { code: "validation_error" }, "Last-Event-ID that is not an integer");
    },
  },
  {
    id: "sse-terminal-close",
    title: "The server closes the stream after the one terminal frame, live, replayed and resumed at the end",
    profiles: ["openwop-stream-sse"],
    spec: "spec/v1/stream-modes.md §2.5",
    gate: needsFixtures("conformance-delay"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-delay", { delayMs: 500 });
      const live = await collectFrames(context, runId, { streamMode: "debug", stopAtTerminal: false, boundMs: 15_000 });
      assert.equal(live.endedBy, "server-close", "the server closes a live stream after the terminal event");
      const liveTypes = live.frames.map((frame) => frame.event);
      assert.equal(
        liveTypes.filter((type) => type === "run.completed").length,
        1,
        "exactly one terminal frame on the live stream",
      );
      assert.equal(liveTypes.at(-1), "run.completed", "the terminal frame is the last frame");
      await waitForTerminal(context, runId);

      const replay = await collectFrames(context, runId, {
        streamMode: "debug",
        stopAtTerminal: false,
        boundMs: 5_000,
      });
      assert.equal(replay.endedBy, "server-close", "a finished run's stream replays the backlog and closes");
      const replayTypes = replay.frames.map((frame) => frame.event);
      assert.equal(
        replayTypes.filter((type) => type === "run.completed").length,
        1,
        "exactly one terminal frame on the replayed stream",
      );
      assert.equal(replayTypes.at(-1), "run.completed", "the replayed stream ends with the terminal frame");

      const terminalSequence = Number(replay.frames.at(-1)?.id);
      const atEnd = await collectFrames(context, runId, {
        streamMode: "debug",
        lastEventId: terminalSequence,
        stopAtTerminal: false,
        boundMs: 5_000,
      });
      assert.equal(atEnd.status, 200, "resuming at the terminal sequence");
      assert.equal(atEnd.frames.length, 0, "resuming at the terminal sequence yields no frames");
      assert.equal(atEnd.endedBy, "server-close", "resuming at the terminal sequence closes promptly");
    },
  },
  {
    id: "sse-stream-modes",
    title: "updates, values, messages and debug each admit what their mode defines",
    profiles: ["openwop-stream-sse"],
    spec: "spec/v1/stream-modes.md §3.1",
    alsoCites: [
      "spec/v1/stream-modes.md §3.2",
      "spec/v1/stream-modes.md §3.3",
      "spec/v1/stream-modes.md §3.4",
      "spec/v1/stream-modes.md §3.5",
    ],
    gate: needsFixtures("conformance-multi-node"),
    async run(context) {
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-multi-node");
      await waitForTerminal(context, runId);
      const log = await readLog(context, runId);

      const updates = await collectFrames(context, runId, {
        streamMode: "updates",
        stopAtTerminal: true,
        boundMs: 10_000,
      });
      assert.equal(updates.endedBy, "terminal", "updates: reaches the terminal frame");
      assertFraming(assert, updates.frames, "updates");
      const expectedUpdates = updatesView(log);
      assert.deepEqual(
        sequencesOf(updates.frames),
        expectedUpdates.map((event) => event.sequence),
        "updates: exactly the admitted events of the log, in order",
      );
      assert.ok(
        !updates.frames.some((frame) => frame.event === "node.started"),
        "stream-modes.md §3.2: GET /v1/runs/{runId}/events?streamMode=updates (finished conformance-multi-node run): " +
          "must not carry node.started; frame event types",
        updates.frames.map((frame) => frame.event),
      );

      const debug = await collectFrames(context, runId, { streamMode: "debug", stopAtTerminal: true, boundMs: 10_000 });
      assert.equal(debug.endedBy, "terminal", "debug: reaches the terminal frame");
      assertFraming(assert, debug.frames, "debug");
      assert.deepEqual(
        sequencesOf(debug.frames),
        log.map((event) => event.sequence),
        "debug: every event of the log (stream-modes.md §5)",
      );
      assert.ok(
        debug.frames.length >= updates.frames.length,
        `stream-modes.md §3.5: GET /v1/runs/{runId}/events?streamMode=debug: must carry at least as many frames as ` +
          `streamMode=updates (${updates.frames.length}); debug frame sequences`,
        sequencesOf(debug.frames),
      );

      const values = await collectFrames(context, runId, {
        streamMode: "values",
        stopAtTerminal: true,
        boundMs: 10_000,
        isTerminal: valuesTerminal,
      });
      assert.equal(values.endedBy, "terminal", "values: reaches a snapshot of the terminal state");
      assert.ok(
        values.frames.length >= 1,
        "stream-modes.md §3.3: GET /v1/runs/{runId}/events?streamMode=values (finished conformance-multi-node run): " +
          "must carry at least one state.snapshot; frames",
        values.frames.length,
      );
      values.frames.forEach((frame, index) => {
        assert.equal(frame.event, "state.snapshot", `values frame ${index}: event`);
        assert.isObject(frameEvent(frame)?.payload, `values frame ${index}: payload is a run snapshot`);
      });
      assertFraming(assert, values.frames, "values");
      assert.equal(
        (frameEvent(values.frames.at(-1) as SseFrame)?.payload as { status?: string } | undefined)?.status,
        "completed",
        "values: the last snapshot shows completed",
      );

      // No AI node runs in this fixture, so §3.4 admits nothing: the evidence is an event
      // stream that carries no frame at all (a host that ignored the mode would send the
      // updates view) and that the server closes, the run being terminal (§2.5). The bound
      // is generous: a correct host closes at once, and only a stream left open waits it out.
      const messages = await collectFrames(context, runId, {
        streamMode: "messages",
        stopAtTerminal: false,
        boundMs: 10_000,
      });
      assert.equal(messages.status, 200, "messages: status");
      assert.match(
        messages.headers.get("content-type"),
        /^text\/event-stream\b/i,
        "messages: Content-Type is text/event-stream",
      );
      assert.deepEqual(
        messages.frames.map((frame) => frame.event),
        [],
        "messages: a run without AI nodes yields no frames (stream-modes.md §3.4: only ai.message.chunk, one per output.chunk)",
      );
      assert.equal(
        messages.endedBy,
        "server-close",
        "messages: the server closes the stream of a terminal run (stream-modes.md §2.5) instead of holding it open",
      );
    },
  },
  {
    id: "sse-unknown-stream-mode",
    title: "An unknown or invalid streamMode gets 400 unsupported_stream_mode with details.supported",
    profiles: ["openwop-stream-sse"],
    spec: "spec/v1/stream-modes.md §3.1",
    gate: needsFixtures("conformance-noop"),
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const runId = await startRun(context, "conformance-noop");
      const path = `/v1/runs/${encodeURIComponent(runId)}/events`;
      const unknown = await client.raw("GET", `${path}?streamMode=everything`, {
        headers: { accept: "text/event-stream" },
      });
      const envelope = assertErrorEnvelope(
        assert,
        unknown,
        { code: "unsupported_stream_mode" },
        "streamMode=everything",
      );
      const supported = envelope.details?.supported;
      assert.ok(
        Array.isArray(supported),
        "stream-modes.md §3.1: GET /v1/runs/{runId}/events?streamMode=everything: details.supported must be an array",
        supported,
      );
      assert.deepEqual(
        [...supported].sort(),
        [...STREAM_MODES].sort(),
        "details.supported lists the four single modes a host must implement",
      );
      const combined = await client.raw("GET", `${path}?streamMode=values,updates`, {
        headers: { accept: "text/event-stream" },
      });
      assertErrorEnvelope(
        assert,
        combined,
        { code: "unsupported_stream_mode" },
        "streamMode=values,updates (values cannot combine)",
      );
    },
  },
];
