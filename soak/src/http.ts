/** A decoded answer; a request that got no answer at all throws {@link NoAnswerError} instead. */
export interface Answer {
  status: number;
  json: unknown;
  text: string;
}

/**
 * The request reached no host or its answer never arrived (connection refused, reset by a
 * SIGKILL, timed out). Whether the host acted on it is unknown: the soak counts such a
 * request as not acknowledged.
 */
export class NoAnswerError extends Error {
  override readonly name = "NoAnswerError";
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function call(baseUrl: string, apiKey: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: options.method ?? "GET",
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    text = await response.text();
  } catch (error) {
    throw new NoAnswerError(
      `${options.method ?? "GET"} ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
