import { TimeoutError, TransportError } from "./errors.js";

/** What {@link HttpTransport.request} needs to send one request. */
export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Objects are sent as JSON; strings and bytes are sent as they are. */
  readonly body?: unknown;
  /** `false` sends no Authorization header; a string sends that key instead of the client's. */
  readonly auth?: boolean | string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A response read to the end. `body` is the parsed JSON, or `undefined` when it was not JSON. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/** A response whose body has not been read yet (used for streams). */
export interface OpenResponse {
  readonly response: Response;
  /** Stops the header timer's abort from reaching the body; call when the stream is done. */
  readonly release: () => void;
}

export interface HttpTransportOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** The one place that turns a {@link RequestSpec} into a `fetch` call. */
export class HttpTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpTransportOptions) {
    // A trailing slash would double up with every path that starts with one.
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path.startsWith("/") ? "" : "/"}${path}`;
  }

  /** Sends the request and reads the whole body. Throws only {@link LocalClientError}s. */
  async request(spec: RequestSpec): Promise<RawResponse> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const { response, release } = await this.open(spec, timeoutMs, true);
    try {
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseJson(text), text };
    } catch (error) {
      throw this.localError(spec, error, timeoutMs);
    } finally {
      release();
    }
  }

  /**
   * Sends the request and returns once headers arrive. The timeout covers the wait for
   * headers only, because an event stream may legitimately stay open for minutes.
   */
  async openStream(spec: RequestSpec): Promise<OpenResponse> {
    return this.open(spec, spec.timeoutMs ?? this.timeoutMs, false);
  }

  private async open(spec: RequestSpec, timeoutMs: number, timeoutCoversBody: boolean): Promise<OpenResponse> {
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(spec.signal?.reason);
    if (spec.signal?.aborted) controller.abort(spec.signal.reason);
    spec.signal?.addEventListener("abort", onCallerAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TimeoutError(`${spec.method} ${spec.path} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const release = () => {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onCallerAbort);
    };
    try {
      const response = await this.fetchImpl(this.url(spec.path), {
        method: spec.method,
        headers: this.headersFor(spec),
        body: encodeBody(spec.body),
        signal: controller.signal,
      });
      if (!timeoutCoversBody) clearTimeout(timer);
      return { response, release };
    } catch (error) {
      release();
      if (timedOut) throw new TimeoutError(`${spec.method} ${spec.path} timed out after ${timeoutMs} ms`);
      throw this.localError(spec, error, timeoutMs);
    }
  }

  private headersFor(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (spec.body !== undefined && !isRawBody(spec.body)) headers["content-type"] = "application/json";
    const key = typeof spec.auth === "string" ? spec.auth : spec.auth === false ? undefined : this.apiKey;
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    // Caller headers win, including an explicit Authorization (cross-tenant probes rely on it).
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  private localError(spec: RequestSpec, error: unknown, timeoutMs: number): Error {
    if (error instanceof TimeoutError) return error;
    if (error instanceof Error && error.name === "AbortError" && spec.signal?.aborted) return error;
    if (error instanceof Error && error.name === "TimeoutError") {
      return new TimeoutError(`${spec.method} ${spec.path} timed out after ${timeoutMs} ms`);
    }
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return new TransportError(`${spec.method} ${spec.path} failed: ${reason}`, { cause: error });
  }
}

function isRawBody(body: unknown): body is string | Uint8Array {
  return typeof body === "string" || body instanceof Uint8Array;
}

function encodeBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined) return undefined;
  return isRawBody(body) ? body : JSON.stringify(body);
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
