import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { SseParser, type SseFrame } from "./sse.js";
import { isTerminalEventType } from "@openwop/types";

/**
 * The bench's HTTP client for one host: an undici pool with room for every concurrent
 * request and open SSE stream the workload needs, so the client never queues requests
 * behind its own connection limit.
 */

export class HttpFailure extends Error {
  override readonly name = "HttpFailure";
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${operation} answered ${status}: ${body.slice(0, 300)}`);
  }
}

export interface CreatedRun {
  runId: string;
  latencyMs: number;
}

export interface StatusRead {
  status: string;
  latencyMs: number;
}

/** A run as `GET /v1/runs` lists it, as far as the bench checks it. */
export interface ListedRun {
  runId: string;
  workflowId: string;
  status: string;
  createdAt: string;
  tags: string[];
}

export interface RunListPage {
  runs: ListedRun[];
  nextCursor: string | null;
  latencyMs: number;
}

/** One received SSE frame, stamped with the client's clock when it was parsed. */
export interface ReceivedFrame extends SseFrame {
  receivedAt: number;
}

/** The discovery document's `webhooks` block (webhooks.md §1), as far as the bench reads it. */
export interface WebhookSupport {
  supported: boolean;
  durable: boolean;
}

export interface StreamResult {
  /** The terminal event type, or undefined when the stream closed without one. */
  terminal: string | undefined;
  /** Epoch ms when the response headers arrived (the subscription was live). */
  openedAt: number;
  frames: number;
}

export class HostClient {
  readonly url: string;
  readonly #pool: Pool;
  readonly #authorization: string;

  constructor(url: string, apiKey: string, connections: number) {
    this.url = url;
    this.#authorization = `Bearer ${apiKey}`;
    this.#pool = new Pool(url, {
      connections,
      pipelining: 1,
      // SSE streams of held runs stay open for a long time without data.
      bodyTimeout: 0,
      headersTimeout: 120_000,
      keepAliveTimeout: 30_000,
    });
  }

  /** `POST /v1/runs`; the latency is from sending the request to having the whole 201 body. */
  async createRun(workflowId: string, inputs: Record<string, unknown> = {}): Promise<CreatedRun> {
    const started = performance.now();
    const response = await this.#pool.request({
      path: "/v1/runs",
      method: "POST",
      headers: { authorization: this.#authorization, "content-type": "application/json" },
      body: JSON.stringify({ workflowId, inputs }),
    });
    const text = await response.body.text();
    const latencyMs = performance.now() - started;
    if (response.statusCode !== 201) throw new HttpFailure("POST /v1/runs", response.statusCode, text);
    const runId = (JSON.parse(text) as { runId?: unknown }).runId;
    if (typeof runId !== "string") throw new HttpFailure("POST /v1/runs", response.statusCode, `no runId in ${text}`);
    return { runId, latencyMs };
  }

  /** `GET /v1/runs/{id}`: the run's status and how long the read took. */
  async readStatus(runId: string): Promise<StatusRead> {
    const started = performance.now();
    const response = await this.#pool.request({
      path: `/v1/runs/${encodeURIComponent(runId)}`,
      method: "GET",
      headers: { authorization: this.#authorization },
    });
    const text = await response.body.text();
    const latencyMs = performance.now() - started;
    if (response.statusCode !== 200) throw new HttpFailure("GET /v1/runs/{id}", response.statusCode, text);
    const status = (JSON.parse(text) as { status?: unknown }).status;
    return { status: typeof status === "string" ? status : "unknown", latencyMs };
  }

  /** `GET /v1/runs?…`: one page of the key's tenant's runs, and how long the whole body took. */
  async listRuns(query: Record<string, string>): Promise<RunListPage> {
    const search = new URLSearchParams(query).toString();
    const started = performance.now();
    const response = await this.#pool.request({
      path: `/v1/runs${search ? `?${search}` : ""}`,
      method: "GET",
      headers: { authorization: this.#authorization },
    });
    const text = await response.body.text();
    const latencyMs = performance.now() - started;
    if (response.statusCode !== 200) throw new HttpFailure("GET /v1/runs", response.statusCode, text);
    const body = JSON.parse(text) as { runs?: unknown; nextCursor?: unknown };
    if (!Array.isArray(body.runs)) throw new HttpFailure("GET /v1/runs", response.statusCode, `no runs in ${text}`);
    const nextCursor = typeof body.nextCursor === "string" ? body.nextCursor : null;
    return { runs: body.runs as ListedRun[], nextCursor, latencyMs };
  }

  /**
   * Subscribes to `GET /v1/runs/{id}/events` and reads until the host closes the stream
   * (it does after the terminal event). `onFrame` sees every frame as it is parsed.
   */
  async followEvents(
    runId: string,
    options: {
      streamMode?: string;
      onOpen?: (openedAt: number) => void;
      onFrame?: (frame: ReceivedFrame) => void;
    } = {},
  ): Promise<StreamResult> {
    const query = options.streamMode ? `?streamMode=${encodeURIComponent(options.streamMode)}` : "";
    const response = await this.#pool.request({
      path: `/v1/runs/${encodeURIComponent(runId)}/events${query}`,
      method: "GET",
      headers: { authorization: this.#authorization, accept: "text/event-stream" },
    });
    const openedAt = Date.now();
    if (response.statusCode !== 200)
      throw new HttpFailure("GET /v1/runs/{id}/events", response.statusCode, await response.body.text());
    options.onOpen?.(openedAt);
    const parser = new SseParser();
    let terminal: string | undefined;
    let frames = 0;
    response.body.setEncoding("utf8");
    for await (const chunk of response.body as AsyncIterable<string>) {
      const receivedAt = Date.now();
      for (const frame of parser.push(chunk)) {
        frames += 1;
        options.onFrame?.({ ...frame, receivedAt });
        if (isTerminalEventType(frame.event)) terminal = frame.event;
      }
    }
    return { terminal, openedAt, frames };
  }

  /** `GET /.well-known/openwop`: whether the host delivers webhooks, and durably. */
  async webhookSupport(): Promise<WebhookSupport> {
    const response = await this.#pool.request({ path: "/.well-known/openwop", method: "GET" });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new HttpFailure("GET /.well-known/openwop", response.statusCode, text);
    const block = (JSON.parse(text) as { webhooks?: { supported?: unknown; durable?: unknown } }).webhooks;
    return { supported: block?.supported === true, durable: block?.durable === true };
  }

  /** `POST /v1/webhooks`: subscribes `url` to `events` and answers the subscription's id. */
  async subscribeWebhook(url: string, events: readonly string[]): Promise<string> {
    const response = await this.#pool.request({
      path: "/v1/webhooks",
      method: "POST",
      headers: { authorization: this.#authorization, "content-type": "application/json" },
      body: JSON.stringify({ url, events }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new HttpFailure("POST /v1/webhooks", response.statusCode, text);
    const webhookId = (JSON.parse(text) as { webhookId?: unknown }).webhookId;
    if (typeof webhookId !== "string")
      throw new HttpFailure("POST /v1/webhooks", response.statusCode, `no webhookId in ${text}`);
    return webhookId;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
