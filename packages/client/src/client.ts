import {
  isTerminalStatus,
  type ApiKey,
  type ApiKeyList,
  type AuthFailureSummary,
  type CancelRunResponse,
  type Capabilities,
  type CreateRunRequest,
  type CreateApiKeyRequest,
  type CreateRunResponse,
  type InterruptResolutionResponse,
  type IssuedApiKey,
  type PollResponse,
  type RotateApiKeyRequest,
  type RunSnapshot,
  type StreamMode,
  type WorkflowDefinition,
} from "@openwop/types";
import { TimeoutError, UnreadableResponseError, WireError } from "./errors.js";
import { HttpTransport, type RawResponse, type RequestSpec } from "./http.js";
import { readSseFrames, type SseFrame } from "./sse-frames.js";

export interface ClientOptions {
  /** Host origin, e.g. `http://127.0.0.1:3737` (no `/v1`). */
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** Replaces the global `fetch`, e.g. for tests or proxies. */
  readonly fetch?: typeof fetch;
  /** Per-request bound; streams apply it to the wait for headers only. Default 20 s. */
  readonly timeoutMs?: number;
}

export interface CreatedRun extends CreateRunResponse {
  /** From the `openwop-Idempotent-Replay` header: the host answered from its idempotency cache. */
  readonly replayed: boolean;
}

export interface PollOptions {
  readonly lastSequence?: number;
  /** Long-poll wait in seconds (1..60). */
  readonly timeout?: number;
}

export interface StreamOptions {
  readonly lastEventId?: string | number;
  readonly streamMode?: StreamMode | string;
  readonly signal?: AbortSignal;
}

export interface OpenedEventStream extends AsyncIterable<SseFrame> {
  readonly status: number;
  readonly headers: Headers;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

export interface ListKeysOptions {
  /** Page size, 1..100 (the host's default, 50, when absent). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface KeyFailuresOptions {
  /** A date-time (or a `Date`); the host's default, 24 hours ago, when absent. */
  readonly since?: string | Date;
}

/**
 * Key management (spec/v1/auth.md §10), for hosts that advertise `keys` in discovery. Every
 * call but {@link KeysApi.self} needs `keys:manage`; refusals throw {@link WireError}.
 */
export interface KeysApi {
  /** `POST /v1/keys`: the answer carries the secret, once. */
  create(body: CreateApiKeyRequest): Promise<IssuedApiKey>;
  /** `GET /v1/keys`: one page of the tenant's keys, newest first. */
  list(options?: ListKeysOptions): Promise<ApiKeyList>;
  /** `GET /v1/keys/{keyId}`. */
  get(keyId: string): Promise<ApiKey>;
  /** `GET /v1/keys/self`: the metadata of the key this client authenticates with. */
  self(): Promise<ApiKey>;
  /** `POST /v1/keys/{keyId}/rotate`: the successor, with `replaces` and `graceUntil`. */
  rotate(keyId: string, options?: RotateApiKeyRequest): Promise<IssuedApiKey>;
  /** `DELETE /v1/keys/{keyId}`: resolves once the host answered `204`, also for a key revoked before. */
  revoke(keyId: string): Promise<void>;
  /** `GET /v1/keys/failures`: the tenant's authentication failures, grouped. */
  failures(options?: KeyFailuresOptions): Promise<AuthFailureSummary>;
}

export interface OpenWopClient {
  readonly baseUrl: string;
  discovery(): Promise<Capabilities>;
  getWorkflow(workflowId: string): Promise<WorkflowDefinition>;
  createRun(body: CreateRunRequest, options?: { idempotencyKey?: string }): Promise<CreatedRun>;
  getRun(runId: string): Promise<RunSnapshot>;
  cancelRun(runId: string, reason?: string): Promise<CancelRunResponse>;
  resolveInterrupt(runId: string, nodeId: string, resumeValue: unknown): Promise<InterruptResolutionResponse>;
  pollEvents(runId: string, options?: PollOptions): Promise<PollResponse>;
  /** Opens the SSE stream; resolves once headers arrive, throws {@link WireError} on a non-2xx. */
  openEventStream(runId: string, options?: StreamOptions): Promise<OpenedEventStream>;
  /** The frames of the run's SSE stream; ends when the server closes it. */
  streamEvents(runId: string, options?: StreamOptions): AsyncIterable<SseFrame>;
  /** Polls the run until it is terminal; throws {@link TimeoutError} past `timeoutMs`. */
  waitForTerminal(runId: string, options: WaitOptions): Promise<RunSnapshot>;
  /** Key management (auth.md §10). */
  readonly keys: KeysApi;
  /** One request, any answer: nothing is thrown for a non-2xx, so black-box checks can judge it. */
  raw(method: string, path: string, init?: Omit<RequestSpec, "method" | "path">): Promise<RawResponse>;
}

const REPLAY_HEADER = "openwop-idempotent-replay";

/**
 * Creates a typed OpenWOP v1 client. Typed calls throw {@link WireError} for protocol
 * refusals and {@link LocalClientError} subclasses when no usable answer arrived.
 *
 * @example
 * const client = createClient({ baseUrl: "http://127.0.0.1:3737", apiKey });
 * const { runId } = await client.createRun({ workflowId: "conformance-noop" });
 * const run = await client.waitForTerminal(runId, { timeoutMs: 10_000 });
 */
export function createClient(options: ClientOptions): OpenWopClient {
  const http = new HttpTransport(options);

  /** One request that must succeed: a non-2xx throws {@link WireError}. */
  async function send(method: string, path: string, init: Omit<RequestSpec, "method" | "path">): Promise<RawResponse> {
    const response = await http.request({ ...init, method, path });
    if (response.status < 200 || response.status > 299) {
      throw new WireError({ status: response.status, body: response.body, headers: response.headers, method, path });
    }
    return response;
  }

  async function call<T>(
    method: string,
    path: string,
    init: Omit<RequestSpec, "method" | "path"> = {},
  ): Promise<{ body: T; response: RawResponse }> {
    const response = await send(method, path, init);
    if (typeof response.body !== "object" || response.body === null) {
      throw new UnreadableResponseError(`${method} ${path} → ${response.status} without a JSON object body`);
    }
    return { body: response.body as T, response };
  }

  /** A call whose success is `204 No Content`; any other 2xx is not the documented answer. */
  async function callNoContent(method: string, path: string): Promise<void> {
    const response = await send(method, path, {});
    if (response.status !== 204) {
      throw new UnreadableResponseError(`${method} ${path} → ${response.status}, expected 204 No Content`);
    }
  }

  const runPath = (runId: string) => `/v1/runs/${encodeURIComponent(runId)}`;
  const keyPath = (keyId: string) => `/v1/keys/${encodeURIComponent(keyId)}`;

  const keys: KeysApi = {
    async create(body) {
      return (await call<IssuedApiKey>("POST", "/v1/keys", { body })).body;
    },
    async list(listOptions = {}) {
      const query = new URLSearchParams();
      if (listOptions.limit !== undefined) query.set("limit", String(listOptions.limit));
      if (listOptions.cursor !== undefined) query.set("cursor", listOptions.cursor);
      const path = `/v1/keys${query.size > 0 ? `?${query}` : ""}`;
      const { body } = await call<ApiKeyList>("GET", path);
      if (!Array.isArray(body.keys)) throw new UnreadableResponseError(`GET ${path} answered without a keys array`);
      return body;
    },
    async get(keyId) {
      return (await call<ApiKey>("GET", keyPath(keyId))).body;
    },
    async self() {
      return (await call<ApiKey>("GET", "/v1/keys/self")).body;
    },
    async rotate(keyId, rotateOptions = {}) {
      const body: RotateApiKeyRequest =
        rotateOptions.graceSeconds === undefined ? {} : { graceSeconds: rotateOptions.graceSeconds };
      return (await call<IssuedApiKey>("POST", `${keyPath(keyId)}/rotate`, { body })).body;
    },
    revoke(keyId) {
      return callNoContent("DELETE", keyPath(keyId));
    },
    async failures(failureOptions = {}) {
      const since = failureOptions.since;
      const query = new URLSearchParams();
      if (since !== undefined) query.set("since", since instanceof Date ? since.toISOString() : since);
      const path = `/v1/keys/failures${query.size > 0 ? `?${query}` : ""}`;
      return (await call<AuthFailureSummary>("GET", path)).body;
    },
  };

  async function openEventStream(runId: string, streamOptions: StreamOptions = {}): Promise<OpenedEventStream> {
    const query = new URLSearchParams();
    if (streamOptions.streamMode !== undefined) query.set("streamMode", streamOptions.streamMode);
    const path = `${runPath(runId)}/events${query.size > 0 ? `?${query}` : ""}`;
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (streamOptions.lastEventId !== undefined) headers["last-event-id"] = String(streamOptions.lastEventId);
    const { response, release } = await http.openStream({
      method: "GET",
      path,
      headers,
      ...(streamOptions.signal ? { signal: streamOptions.signal } : {}),
    });
    if (!response.ok || response.body === null) {
      const text = await response.text().catch(() => "");
      release();
      throw new WireError({
        status: response.status,
        body: parseOrUndefined(text),
        headers: response.headers,
        method: "GET",
        path,
      });
    }
    const body = response.body;
    return {
      status: response.status,
      headers: response.headers,
      async *[Symbol.asyncIterator]() {
        try {
          yield* readSseFrames(body);
        } finally {
          release();
        }
      },
    };
  }

  return {
    baseUrl: http.baseUrl,
    async discovery() {
      return (await call<Capabilities>("GET", "/.well-known/openwop", { auth: false })).body;
    },
    async getWorkflow(workflowId) {
      return (await call<WorkflowDefinition>("GET", `/v1/workflows/${encodeURIComponent(workflowId)}`)).body;
    },
    async createRun(body, createOptions = {}) {
      const headers: Record<string, string> = {};
      if (createOptions.idempotencyKey !== undefined) headers["idempotency-key"] = createOptions.idempotencyKey;
      const { body: created, response } = await call<CreateRunResponse>("POST", "/v1/runs", { body, headers });
      return { ...created, replayed: isTruthyHeader(response.headers.get(REPLAY_HEADER)) };
    },
    async getRun(runId) {
      return (await call<RunSnapshot>("GET", runPath(runId))).body;
    },
    async cancelRun(runId, reason) {
      return (
        await call<CancelRunResponse>("POST", `${runPath(runId)}/cancel`, {
          body: reason === undefined ? {} : { reason },
        })
      ).body;
    },
    async resolveInterrupt(runId, nodeId, resumeValue) {
      const path = `${runPath(runId)}/interrupts/${encodeURIComponent(nodeId)}`;
      return (await call<InterruptResolutionResponse>("POST", path, { body: { resumeValue } })).body;
    },
    async pollEvents(runId, pollOptions = {}) {
      const query = new URLSearchParams();
      if (pollOptions.lastSequence !== undefined) query.set("lastSequence", String(pollOptions.lastSequence));
      if (pollOptions.timeout !== undefined) query.set("timeout", String(pollOptions.timeout));
      // The long-poll wait must not trip our own request bound.
      const timeoutMs = pollOptions.timeout === undefined ? undefined : http.timeoutMs + pollOptions.timeout * 1000;
      const path = `${runPath(runId)}/events/poll${query.size > 0 ? `?${query}` : ""}`;
      const { body } = await call<PollResponse>("GET", path, timeoutMs === undefined ? {} : { timeoutMs });
      if (!Array.isArray(body.events))
        throw new UnreadableResponseError(`GET ${path} answered without an events array`);
      return body;
    },
    openEventStream,
    keys,
    async *streamEvents(runId, streamOptions) {
      yield* await openEventStream(runId, streamOptions);
    },
    async waitForTerminal(runId, waitOptions) {
      const deadline = Date.now() + waitOptions.timeoutMs;
      const interval = waitOptions.intervalMs ?? 250;
      let last: RunSnapshot | undefined;
      for (;;) {
        last = (await call<RunSnapshot>("GET", runPath(runId))).body;
        if (isTerminalStatus(last.status)) return last;
        if (Date.now() + interval > deadline) {
          throw new TimeoutError(
            `run ${runId} not terminal after ${waitOptions.timeoutMs} ms (last status ${last.status})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },
    raw(method, path, init = {}) {
      return http.request({ ...init, method, path });
    },
  };
}

/** The replay header is a flag; hosts send `true`, and anything but an explicit no counts. */
function isTruthyHeader(value: string | null): boolean {
  if (value === null) return false;
  const normalised = value.trim().toLowerCase();
  return normalised !== "" && normalised !== "false" && normalised !== "0";
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
