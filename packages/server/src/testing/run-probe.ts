import { expect } from "vitest";
import { bearer, request } from "./http.js";

export interface ProbedEvent {
  sequence: number;
  type: string;
  nodeId?: string;
  payload: Record<string, unknown>;
}

/** Black-box helpers for one host: create runs, wait on them, and check their logs. */
export class RunProbe {
  constructor(
    private readonly url: () => string,
    private readonly apiKey: string,
  ) {}

  async create(workflowId: string, inputs: Record<string, unknown> = {}): Promise<string> {
    const created = await request(this.url(), "/v1/runs", { method: "POST", headers: bearer(this.apiKey), body: { workflowId, inputs } });
    expect(created.status, created.text).toBe(201);
    return (created.json as { runId: string }).runId;
  }

  async status(runId: string): Promise<string> {
    const result = await request(this.url(), `/v1/runs/${runId}`, { headers: bearer(this.apiKey) });
    expect(result.status, result.text).toBe(200);
    return (result.json as { status: string }).status;
  }

  async waitFor(runId: string, statuses: string[], timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(runId);
      if (statuses.includes(status)) return status;
      if (Date.now() > deadline) throw new Error(`run ${runId} is ${status} after ${timeoutMs} ms; wanted ${statuses.join("|")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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
