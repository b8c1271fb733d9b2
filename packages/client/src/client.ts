import {
  isTerminalStatus,
  type ApiKey,
  type ApiKeyList,
  type AuthFailureSummary,
  type BulkCancelResponse,
  type CancelRunResponse,
  type Capabilities,
  type CreateRunRequest,
  type CreateApiKeyRequest,
  type CreateRunResponse,
  type CreatedWebhook,
  type CreateWebhookRequest,
  type DeadLetterReplayRequest,
  type DeliveryStatus,
  type EventFeedPage,
  type FeedEntry,
  type InterruptResolutionResponse,
  type IssuedApiKey,
  type PauseRunRequest,
  type PauseRunResponse,
  type PollResponse,
  type ResumeRunResponse,
  type RotateApiKeyRequest,
  type RunList,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
  type RunSummary,
  type StreamMode,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookSubscription,
  type WebhookSubscriptionList,
  type WorkflowDefinition,
} from "@openwop/types";
import { TimeoutError, UnreadableResponseError, WireError } from "./errors.js";
import { HttpTransport, type RawResponse, type RequestSpec } from "./http.js";
import { readSseFrames, type SseFrame } from "./sse-frames.js";
import { createWithRetries, type CreateRunOptions } from "./create-with-retries.js";
import { readiness, type Readiness, type ReadinessOptions } from "./readiness.js";
import { abortableSleep } from "./sleep.js";
import { watchRun, type WatchRunOptions } from "./watch-run.js";

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

export interface ListWebhooksOptions {
  /** Page size, 1..100 (the host's default, 50, when absent). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface CreateWebhookOptions {
  /** Sent as `Idempotency-Key`; a replay answers with the same subscription and secret (webhooks.md §12.4). */
  readonly idempotencyKey?: string;
}

/**
 * Webhook subscriptions (spec/v1/webhooks.md §2, §3, §12), for hosts that advertise
 * `webhooks.supported`. Every call needs `webhooks:manage`; refusals throw {@link WireError}.
 */
export interface WebhooksApi {
  /** `POST /v1/webhooks`: the answer carries the signing secret, once. */
  create(body: CreateWebhookRequest, options?: CreateWebhookOptions): Promise<CreatedWebhook>;
  /** `GET /v1/webhooks`: one page of the tenant's subscriptions, newest first. */
  list(options?: ListWebhooksOptions): Promise<WebhookSubscriptionList>;
  /** `GET /v1/webhooks/{webhookId}`: the subscription, never its secret. */
  get(webhookId: string): Promise<WebhookSubscription>;
  /** `DELETE /v1/webhooks/{webhookId}`: resolves once the host answered `204`. */
  delete(webhookId: string): Promise<void>;
  /** `POST /v1/webhooks/{webhookId}/pause`: deliveries are still recorded, and wait. */
  pause(webhookId: string): Promise<WebhookSubscription>;
  /** `POST /v1/webhooks/{webhookId}/resume`: the waiting deliveries become due. */
  resume(webhookId: string): Promise<WebhookSubscription>;
}

export interface ListDeliveriesOptions {
  readonly status?: DeliveryStatus;
  readonly runId?: string;
  readonly eventType?: string;
  /** Page size, 1..100 (the host's default, 50, when absent). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/**
 * Delivery records of durable hosts (spec/v1/webhooks.md §13, §14), for hosts that
 * advertise `webhooks.durable`. Every call needs `webhooks:manage`.
 */
export interface DeliveriesApi {
  /** `GET /v1/webhooks/{webhookId}/deliveries`: one page, newest first. */
  list(webhookId: string, options?: ListDeliveriesOptions): Promise<WebhookDeliveryList>;
  /** `GET /v1/webhooks/{webhookId}/deliveries/{deliveryId}`: the delivery with its `attemptLog`. */
  get(webhookId: string, deliveryId: string): Promise<WebhookDelivery>;
  /** `POST .../deliveries/{deliveryId}/replay`: `202` with the delivery, pending again with a fresh budget. */
  replay(webhookId: string, deliveryId: string): Promise<WebhookDelivery>;
  /** `POST /v1/webhooks/{webhookId}/dead-letters/replay`: `202` with how many dead letters went back to pending. */
  replayDeadLetters(webhookId: string, body?: DeadLetterReplayRequest): Promise<{ readonly requeued: number }>;
}

export interface EventFeedOptions {
  /** A cursor from an earlier page or a delivery's `X-openwop-Cursor`; from the oldest kept event when absent. */
  readonly after?: string;
  /** Only these event types (sent comma-separated). */
  readonly types?: readonly string[] | string;
  /** Page size, 1..1000 (the host's default, 100, when absent). */
  readonly limit?: number;
  /** Long-poll seconds, 0..60: the host holds a request with nothing after `after` until an event arrives. */
  readonly wait?: number;
  readonly signal?: AbortSignal;
}

/** The tenant event feed of durable hosts (spec/v1/webhooks.md §15); needs `runs:read`. */
export interface EventsApi {
  /** `GET /v1/events`: one page. */
  page(options?: EventFeedOptions): Promise<EventFeedPage>;
  /**
   * Every entry after `after`, page by page, following `nextCursor` for as long as the
   * iteration lasts: when the feed is caught up it long-polls (`wait`, 30 s unless given;
   * an empty page that answered at once is asked again after a second). It ends, without throwing, once `signal`
   * is aborted or the caller stops iterating; a refusal throws {@link WireError}.
   */
  feed(options?: EventFeedOptions): AsyncIterable<FeedEntry>;
}

export interface ListRunsOptions {
  readonly status?: RunStatus;
  readonly workflowId?: string;
  readonly tag?: string;
  /** Only runs created after this instant (exclusive). */
  readonly createdAfter?: string | Date;
  /** Only runs created before this instant (exclusive). */
  readonly createdBefore?: string | Date;
  /** Page size, 1..100 (the host's default, 50, when absent). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface BulkCancelOptions {
  readonly reason?: string;
  /** Sent as `Idempotency-Key`: a retry answers with the first request's results. */
  readonly idempotencyKey?: string;
}

export interface PauseOptions extends PauseRunRequest {
  /** Sent as `Idempotency-Key`: a retry answers with the first request's answer. */
  readonly idempotencyKey?: string;
}

/**
 * Run management (spec/v1/core.md §6.9–§6.11), for hosts that advertise `runs.list`,
 * `runs.bulkCancel` and `runs.pauseResume`; refusals throw {@link WireError}.
 */
export interface RunsApi {
  /** `GET /v1/runs`: one page of the tenant's runs, newest first (needs `runs:read`). */
  list(options?: ListRunsOptions): Promise<RunList>;
  /** Every matching run, newest first, following `nextCursor` page by page as the iteration goes. */
  iterate(options?: Omit<ListRunsOptions, "cursor">): AsyncIterable<RunSummary>;
  /** `POST /v1/runs:bulk-cancel`: one result per id, in order (needs `runs:cancel`; at most 100 ids). */
  bulkCancel(runIds: readonly string[], options?: BulkCancelOptions): Promise<BulkCancelResponse>;
  /**
   * `POST /v1/runs/{runId}:pause` (needs `runs:cancel`): the run starts no node until resumed.
   * A run already paused, cancelling or ended is a {@link WireError} `run_not_pausable`.
   */
  pause(runId: string, options?: PauseOptions): Promise<PauseRunResponse>;
  /** `POST /v1/runs/{runId}:resume`; a run that is not paused is a {@link WireError} `run_not_paused`. */
  resume(runId: string, options?: { readonly idempotencyKey?: string }): Promise<ResumeRunResponse>;
}

export interface OpenWopClient {
  readonly baseUrl: string;
  discovery(): Promise<Capabilities>;
  getWorkflow(workflowId: string): Promise<WorkflowDefinition>;
  /**
   * `POST /v1/runs`. A `503` or `429` is retried after its `Retry-After` under the same
   * `Idempotency-Key` (one is generated when none is given), so a retry never makes a second
   * run; `retries: 0` sends once.
   */
  createRun(body: CreateRunRequest, options?: CreateRunOptions): Promise<CreatedRun>;
  getRun(runId: string): Promise<RunSnapshot>;
  cancelRun(runId: string, reason?: string): Promise<CancelRunResponse>;
  resolveInterrupt(runId: string, nodeId: string, resumeValue: unknown): Promise<InterruptResolutionResponse>;
  pollEvents(runId: string, options?: PollOptions): Promise<PollResponse>;
  /** Opens the SSE stream; resolves once headers arrive, throws {@link WireError} on a non-2xx. */
  openEventStream(runId: string, options?: StreamOptions): Promise<OpenedEventStream>;
  /** The frames of the run's SSE stream; ends when the server closes it. */
  streamEvents(runId: string, options?: StreamOptions): AsyncIterable<SseFrame>;
  /**
   * A run's events, parsed, until its terminal event: reconnects with `Last-Event-ID` after a
   * dropped stream, backing off, so no event is missed or repeated.
   */
  watchRun(runId: string, options?: WatchRunOptions): AsyncIterable<RunEvent>;
  /** Polls the run until it is terminal; throws {@link TimeoutError} past `timeoutMs`. */
  waitForTerminal(runId: string, options: WaitOptions): Promise<RunSnapshot>;
  /** Key management (auth.md §10). */
  readonly keys: KeysApi;
  /** Webhook subscriptions (webhooks.md §2, §3, §12). */
  readonly webhooks: WebhooksApi;
  /** Webhook delivery records, inspection and replay (webhooks.md §13, §14). */
  readonly deliveries: DeliveriesApi;
  /** The tenant event feed (webhooks.md §15). */
  readonly events: EventsApi;
  /** Listing and bulk cancel (core.md §6.9, §6.10). */
  readonly runs: RunsApi;
  /**
   * Whether work can start now: discovery valid and v1, the key accepted with the given
   * scopes and not about to expire, the host ready with room in its queue, webhook circuits
   * closed, clocks in agreement. Each blocker and warning names its fix.
   */
  readiness(options?: ReadinessOptions): Promise<Readiness>;
  /** One request, any answer: nothing is thrown for a non-2xx, so black-box checks can judge it. */
  raw(method: string, path: string, init?: Omit<RequestSpec, "method" | "path">): Promise<RawResponse>;
}

const REPLAY_HEADER = "openwop-idempotent-replay";

/** The long-poll a feed iteration asks for when the caller names none. */
const FEED_DEFAULT_WAIT_SECONDS = 30;
/** Pause after an empty feed page that answered at once (`wait: 0`, or a host that does not hold). */
const FEED_IDLE_MS = 1_000;

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

  /** A call whose success is `202 Accepted` with a JSON object; any other 2xx is not the documented answer. */
  async function callAccepted<T>(method: string, path: string, init: Omit<RequestSpec, "method" | "path">): Promise<T> {
    const { body, response } = await call<T>(method, path, init);
    if (response.status !== 202) {
      throw new UnreadableResponseError(`${method} ${path} → ${response.status}, expected 202 Accepted`);
    }
    return body;
  }

  /** `path?query` with only the parameters that are set. */
  function withQuery(path: string, parameters: Record<string, string | number | undefined>): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(parameters)) if (value !== undefined) query.set(name, String(value));
    return `${path}${query.size > 0 ? `?${query}` : ""}`;
  }

  const idempotencyHeader = (key: string | undefined): Record<string, string> =>
    key === undefined ? {} : { "idempotency-key": key };
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

  const webhookPath = (webhookId: string) => `/v1/webhooks/${encodeURIComponent(webhookId)}`;
  const deliveryPath = (webhookId: string, deliveryId: string) =>
    `${webhookPath(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}`;

  const webhooks: WebhooksApi = {
    async create(body, createOptions = {}) {
      const headers = idempotencyHeader(createOptions.idempotencyKey);
      return (await call<CreatedWebhook>("POST", "/v1/webhooks", { body, headers })).body;
    },
    async list(listOptions = {}) {
      const path = withQuery("/v1/webhooks", { limit: listOptions.limit, cursor: listOptions.cursor });
      const { body } = await call<WebhookSubscriptionList>("GET", path);
      if (!Array.isArray(body.webhooks))
        throw new UnreadableResponseError(`GET ${path} answered without a webhooks array`);
      return body;
    },
    async get(webhookId) {
      return (await call<WebhookSubscription>("GET", webhookPath(webhookId))).body;
    },
    delete(webhookId) {
      return callNoContent("DELETE", webhookPath(webhookId));
    },
    async pause(webhookId) {
      return (await call<WebhookSubscription>("POST", `${webhookPath(webhookId)}/pause`)).body;
    },
    async resume(webhookId) {
      return (await call<WebhookSubscription>("POST", `${webhookPath(webhookId)}/resume`)).body;
    },
  };

  const deliveries: DeliveriesApi = {
    async list(webhookId, listOptions = {}) {
      const path = withQuery(`${webhookPath(webhookId)}/deliveries`, {
        status: listOptions.status,
        runId: listOptions.runId,
        eventType: listOptions.eventType,
        limit: listOptions.limit,
        cursor: listOptions.cursor,
      });
      const { body } = await call<WebhookDeliveryList>("GET", path);
      if (!Array.isArray(body.deliveries))
        throw new UnreadableResponseError(`GET ${path} answered without a deliveries array`);
      return body;
    },
    async get(webhookId, deliveryId) {
      return (await call<WebhookDelivery>("GET", deliveryPath(webhookId, deliveryId))).body;
    },
    replay(webhookId, deliveryId) {
      return callAccepted<WebhookDelivery>("POST", `${deliveryPath(webhookId, deliveryId)}/replay`, {});
    },
    async replayDeadLetters(webhookId, body) {
      const path = `${webhookPath(webhookId)}/dead-letters/replay`;
      const answer = await callAccepted<{ requeued?: unknown }>("POST", path, body === undefined ? {} : { body });
      if (typeof answer.requeued !== "number")
        throw new UnreadableResponseError(`POST ${path} answered without a requeued count`);
      return { requeued: answer.requeued };
    },
  };

  const instantText = (value: string | Date | undefined) => (value instanceof Date ? value.toISOString() : value);

  const runs: RunsApi = {
    async list(listOptions = {}) {
      const path = withQuery("/v1/runs", {
        status: listOptions.status,
        workflowId: listOptions.workflowId,
        tag: listOptions.tag,
        createdAfter: instantText(listOptions.createdAfter),
        createdBefore: instantText(listOptions.createdBefore),
        limit: listOptions.limit,
        cursor: listOptions.cursor,
      });
      const { body } = await call<RunList>("GET", path);
      if (!Array.isArray(body.runs)) throw new UnreadableResponseError(`GET ${path} answered without a runs array`);
      return body;
    },
    async *iterate(iterateOptions = {}) {
      let cursor: string | undefined;
      do {
        const page = await runs.list({ ...iterateOptions, ...(cursor === undefined ? {} : { cursor }) });
        yield* page.runs;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },
    async bulkCancel(runIds, bulkOptions = {}) {
      const headers = idempotencyHeader(bulkOptions.idempotencyKey);
      const body = { runIds, ...(bulkOptions.reason === undefined ? {} : { reason: bulkOptions.reason }) };
      const { body: answer } = await call<BulkCancelResponse>("POST", "/v1/runs:bulk-cancel", { body, headers });
      if (!Array.isArray(answer.results))
        throw new UnreadableResponseError("POST /v1/runs:bulk-cancel answered without a results array");
      return answer;
    },
    async pause(runId, pauseOptions = {}) {
      const { idempotencyKey, ...request } = pauseOptions;
      return callAccepted<PauseRunResponse>("POST", `${runPath(runId)}:pause`, {
        body: request,
        headers: idempotencyHeader(idempotencyKey),
      });
    },
    async resume(runId, resumeOptions = {}) {
      return callAccepted<ResumeRunResponse>("POST", `${runPath(runId)}:resume`, {
        headers: idempotencyHeader(resumeOptions.idempotencyKey),
      });
    },
  };

  async function feedPage(pageOptions: EventFeedOptions = {}): Promise<EventFeedPage> {
    const types = typeof pageOptions.types === "string" ? pageOptions.types : pageOptions.types?.join(",");
    const path = withQuery("/v1/events", {
      after: pageOptions.after,
      types: types === "" ? undefined : types,
      limit: pageOptions.limit,
      wait: pageOptions.wait,
    });
    // The long-poll wait must not trip our own request bound.
    const timeoutMs = pageOptions.wait === undefined ? undefined : http.timeoutMs + pageOptions.wait * 1000;
    const { body } = await call<EventFeedPage>("GET", path, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(pageOptions.signal ? { signal: pageOptions.signal } : {}),
    });
    if (!Array.isArray(body.events)) throw new UnreadableResponseError(`GET ${path} answered without an events array`);
    return body;
  }

  const events: EventsApi = {
    page: feedPage,
    async *feed(feedOptions = {}) {
      const { signal } = feedOptions;
      // A function, not a narrowed property: the signal changes under the awaits.
      const aborted = () => signal?.aborted === true;
      const wait = feedOptions.wait ?? FEED_DEFAULT_WAIT_SECONDS;
      let after = feedOptions.after;
      while (!aborted()) {
        let page: EventFeedPage;
        const asked = Date.now();
        try {
          page = await feedPage({ ...feedOptions, wait, ...(after === undefined ? {} : { after }) });
        } catch (error) {
          if (aborted()) return;
          throw error;
        }
        for (const entry of page.events) yield entry;
        // `null` only while the tenant has no event at all: keep reading from the oldest.
        if (page.nextCursor !== null) after = page.nextCursor;
        // An empty page that came back at once (`wait: 0`, or a host that does not hold) must not spin.
        if (page.events.length === 0 && Date.now() - asked < FEED_IDLE_MS) await abortableSleep(FEED_IDLE_MS, signal);
      }
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
      const response = await createWithRetries(createOptions, (headers) => send("POST", "/v1/runs", { body, headers }));
      if (typeof response.body !== "object" || response.body === null) {
        throw new UnreadableResponseError(`POST /v1/runs → ${response.status} without a JSON object body`);
      }
      const created = response.body as CreateRunResponse;
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
    webhooks,
    deliveries,
    events,
    runs,
    readiness(readinessOptions) {
      return readiness((method, path, init = {}) => http.request({ ...init, method, path }), readinessOptions);
    },
    watchRun(runId, watchOptions) {
      return watchRun(openEventStream, runId, watchOptions);
    },
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
