import { describe, expect, it } from "vitest";
import type { RunCreation } from "../../../adapter.js";
import type { IdempotentResponse } from "../../../records.js";
import { expectRejection } from "../expect-rejection.js";
import {
  AWKWARD_JSON,
  isoAt,
  newEvent,
  newIdempotencyRecord,
  newRun,
  numberedEvents,
  range,
  T0,
  uniqueId,
} from "../../fixtures.js";
import type { AdapterHarness } from "../harness.js";

type CreationIdempotency = NonNullable<RunCreation["idempotency"]>;

function creationIdempotency(runId: string, overrides: Partial<CreationIdempotency> = {}): CreationIdempotency {
  const response: IdempotentResponse = {
    status: 201,
    headers: { "content-type": "application/json", location: `/v1/runs/${runId}` },
    body: { runId, status: "pending" },
  };
  return {
    recordKey: uniqueId("idem"),
    tenantId: "tenant-a",
    endpoint: "POST /v1/runs",
    requestDigest: "sha256:bbbb",
    createdAt: isoAt(0),
    response,
    ...overrides,
  };
}

export function describeRunCreation(harness: AdapterHarness): void {
  describe("createRun and getRun", () => {
    it("round-trips every field of a new run, with no claim and lastSequence -1", async () => {
      const run = newRun();
      const appended = await harness.adapter.createRun({ run });
      expect(appended).toEqual([]);
      expect(await harness.adapter.getRun(run.runId)).toEqual({ ...run, claim: null, lastSequence: -1 });
    });

    it("preserves JSON exactly in every JSON field (unicode, escapes, NUL, numbers, nulls, empty containers)", async () => {
      const run = newRun({
        status: "running",
        definition: { id: "wf", awkward: AWKWARD_JSON },
        inputs: AWKWARD_JSON,
        variables: { copy: AWKWARD_JSON, list: [AWKWARD_JSON] },
        configurable: AWKWARD_JSON,
        tags: ["ünïcode 🚀", "", 'quote"d'],
        metadata: AWKWARD_JSON,
        currentNodeId: "node-ü",
        error: { code: "node_failed", message: "it broke: \u0000 🚀", details: AWKWARD_JSON },
        engineState: { nested: AWKWARD_JSON },
        cancelRequested: true,
        startedAt: isoAt(5),
        completedAt: isoAt(6),
      });
      await harness.adapter.createRun({ run });
      expect(await harness.adapter.getRun(run.runId)).toEqual({ ...run, claim: null, lastSequence: -1 });
    });

    it("resolves null for an unknown run", async () => {
      expect(await harness.adapter.getRun(uniqueId("missing"))).toBeNull();
    });

    it("rejects a taken run id with StorageConflictError(run-exists) and leaves the first run untouched", async () => {
      const first = newRun();
      await harness.adapter.createRun({ run: first, events: [newEvent("run.created")] });
      const second = newRun({ runId: first.runId, workflowId: "another", status: "running" });
      await expectRejection(harness.adapter.createRun({ run: second, events: numberedEvents(3) }), {
        name: "StorageConflictError",
        reason: "run-exists",
      });
      expect(await harness.adapter.getRun(first.runId)).toEqual({ ...first, claim: null, lastSequence: 0 });
      expect(await harness.adapter.readEvents(first.runId)).toHaveLength(1);
    });

    it("appends the first events with sequences 0..n-1, unique event ids and the run id filled in", async () => {
      const run = newRun();
      const events = [
        newEvent("run.created", { by: "contract" }),
        newEvent("node.started", null, {
          nodeId: "a",
          schemaVersion: 1,
          engineVersion: "0.1.0",
          causationId: "cause-1",
        }),
        newEvent("node.progress", "text payload", { nodeId: "a" }),
      ];
      const appended = await harness.adapter.createRun({ run, events });
      expect(appended.map((event) => event.sequence)).toEqual([0, 1, 2]);
      expect(new Set(appended.map((event) => event.eventId)).size).toBe(3);
      appended.forEach((event, index) => {
        expect(typeof event.eventId).toBe("string");
        expect(event.eventId.length).toBeGreaterThan(0);
        expect(event).toEqual({ ...events[index], eventId: event.eventId, runId: run.runId, sequence: index });
      });
      expect(await harness.adapter.readEvents(run.runId)).toEqual(appended);
      expect((await harness.adapter.getRun(run.runId))?.lastSequence).toBe(2);
    });

    it("isolates stored state from the caller's objects, in both directions", async () => {
      const run = newRun({ inputs: { list: [1, 2] } });
      const events = [newEvent("run.created", { list: [1] })];
      const appended = await harness.adapter.createRun({ run, events });
      const pristine = structuredClone(run);

      (run.inputs["list"] as number[]).push(99);
      run.tags.push("mutated");
      const [firstEvent] = events;
      const [firstAppended] = appended;
      if (!firstEvent || !firstAppended) throw new Error("createRun returned no events");
      (firstEvent.payload as { list: number[] }).list.push(99);
      (firstAppended.payload as { list: number[] }).list.push(99);

      const stored = await harness.adapter.getRun(run.runId);
      expect(stored).toEqual({ ...pristine, claim: null, lastSequence: 0 });
      (stored?.variables as Record<string, unknown>)["injected"] = true;
      stored?.tags.push("mutated");
      expect(await harness.adapter.getRun(run.runId)).toEqual({ ...pristine, claim: null, lastSequence: 0 });

      const read = await harness.adapter.readEvents(run.runId);
      expect(read[0]?.payload).toEqual({ list: [1] });
      const [firstRead] = read;
      if (!firstRead) throw new Error("readEvents returned no events");
      (firstRead.payload as { list: number[] }).list.push(42);
      expect((await harness.adapter.readEvents(run.runId))[0]?.payload).toEqual({ list: [1] });
    });
  });

  describe("createRun with an idempotency record", () => {
    it("stores the run and a completed idempotency record together", async () => {
      const run = newRun();
      const idempotency = creationIdempotency(run.runId);
      await harness.adapter.createRun({ run, events: [newEvent("run.created")], idempotency });
      expect(await harness.adapter.getRun(run.runId)).not.toBeNull();
      expect(await harness.adapter.getIdempotencyRecord(idempotency.recordKey)).toMatchObject({
        ...idempotency,
        state: "completed",
        response: idempotency.response,
      });
    });

    it("rejects a second creation under the same key with StorageConflictError(idempotency-exists), leaving no run behind", async () => {
      const first = newRun();
      const idempotency = creationIdempotency(first.runId);
      await harness.adapter.createRun({ run: first, idempotency });

      const retry = newRun();
      await expectRejection(
        harness.adapter.createRun({
          run: retry,
          events: [newEvent("run.created")],
          idempotency: creationIdempotency(retry.runId, {
            recordKey: idempotency.recordKey,
            requestDigest: "sha256:other",
          }),
        }),
        { name: "StorageConflictError", reason: "idempotency-exists" },
      );
      expect(await harness.adapter.getRun(retry.runId)).toBeNull();
      expect(await harness.adapter.readEvents(retry.runId)).toEqual([]);
      expect(await harness.adapter.getIdempotencyRecord(idempotency.recordKey)).toMatchObject({
        requestDigest: idempotency.requestDigest,
        response: idempotency.response,
      });
    });

    it("conflicts with a pending record claimed under the same key", async () => {
      const pending = newIdempotencyRecord({ endpoint: "POST /v1/runs", leaseExpiresAt: T0 + 60_000 });
      expect((await harness.adapter.claimIdempotencyKey(pending, T0)).outcome).toBe("claimed");
      const run = newRun();
      await expectRejection(
        harness.adapter.createRun({
          run,
          idempotency: creationIdempotency(run.runId, { recordKey: pending.recordKey }),
        }),
        { name: "StorageConflictError", reason: "idempotency-exists" },
      );
      expect(await harness.adapter.getRun(run.runId)).toBeNull();
    });

    it("of concurrent creations racing on one key, exactly one creates a run", async () => {
      const recordKey = uniqueId("idem");
      const contenders = range(0, 10).map(() => newRun());
      const outcomes = await Promise.allSettled(
        contenders.map((run) =>
          harness.adapter.createRun({
            run,
            events: [newEvent("run.created")],
            idempotency: creationIdempotency(run.runId, { recordKey }),
          }),
        ),
      );
      const winners = contenders.filter((_, index) => outcomes[index]?.status === "fulfilled");
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect(outcome.reason).toMatchObject({ name: "StorageConflictError", reason: "idempotency-exists" });
        }
      }
      const stored = await Promise.all(contenders.map((run) => harness.adapter.getRun(run.runId)));
      expect(stored.filter((run) => run !== null)).toHaveLength(1);
      const record = await harness.adapter.getIdempotencyRecord(recordKey);
      expect(record?.response?.body).toEqual({ runId: winners[0]?.runId, status: "pending" });
    });
  });
}
