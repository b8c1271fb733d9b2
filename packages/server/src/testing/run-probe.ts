import { expect } from "vitest";
import { bearer, request } from "./http.js";

export interface ProbedEvent {
  sequence: number;
  type: string;
  nodeId?: string;
  payload: Record<string, unknown>;
  timestamp: string;
}

/** Black-box helpers for one host: create runs, wait on them, and check their logs. */
export class RunProbe {
  constructor(
    private readonly url: () => string,
    private readonly apiKey: string,
  ) {}

  /** Creates a run and returns its id; `extra` adds body fields such as `configurable`. */
  async create(
    workflowId: string,
    inputs: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const created = await request(this.url(), "/v1/runs", {
      method: "POST",
      headers: bearer(this.apiKey),
      body: { workflowId, inputs, ...extra },
    });
    expect(created.status, created.text).toBe(201);
    return (created.json as { runId: string }).runId;
  }

  async snapshot(runId: string): Promise<Record<string, unknown>> {
    const result = await request(this.url(), `/v1/runs/${runId}`, { headers: bearer(this.apiKey) });
    expect(result.status, result.text).toBe(200);
    return result.json as Record<string, unknown>;
  }

  async status(runId: string): Promise<string> {
    return (await this.snapshot(runId))["status"] as string;
  }

  /** Polls the snapshot until the run reaches one of `statuses`, and returns that snapshot. */
  async waitForSnapshot(runId: string, statuses: string[], timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snapshot = await this.snapshot(runId);
      const status = snapshot["status"] as string;
      if (statuses.includes(status)) return snapshot;
      if (Date.now() > deadline)
        throw new Error(`run ${runId} is ${status} after ${timeoutMs} ms; wanted ${statuses.join("|")}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async waitFor(runId: string, statuses: string[], timeoutMs: number): Promise<string> {
    return (await this.waitForSnapshot(runId, statuses, timeoutMs))["status"] as string;
  }

  /** Waits until the run's log holds an event of `type` (optionally for one node). */
  async waitForEvent(runId: string, type: string, timeoutMs: number, nodeId?: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.events(runId)).some((e) => e.type === type && (nodeId === undefined || e.nodeId === nodeId))) {
      if (Date.now() > deadline) throw new Error(`run ${runId} has no ${type} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async events(runId: string): Promise<ProbedEvent[]> {
    const result = await request(this.url(), `/v1/runs/${runId}/events/poll`, { headers: bearer(this.apiKey) });
    expect(result.status, result.text).toBe(200);
    return (result.json as { events: ProbedEvent[] }).events;
  }

  /** Gapless from 0, exactly one terminal event and it is last, and no node completed twice. */
  async expectIntactLog(runId: string): Promise<ProbedEvent[]> {
    const log = await this.events(runId);
    expect(log.map((e) => e.sequence)).toEqual(log.map((_, i) => i));
    const terminal = log.filter((e) => ["run.completed", "run.failed", "run.cancelled"].includes(e.type));
    expect(terminal).toHaveLength(1);
    expect(log.at(-1)?.type).toBe(terminal[0]?.type);
    const completedNodes = log.filter((e) => e.type === "node.completed").map((e) => e.nodeId);
    expect(new Set(completedNodes).size).toBe(completedNodes.length);
    return log;
  }
}
