import { expect } from "vitest";
import type { HttpResult } from "./http.js";

export interface ErrorEnvelopeBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Asserts the canonical error answer (core.md §13.1): the status, a JSON body with no
 * member beyond `error`, `message` and `details`, a non-empty message, `details` an object
 * when present, and the error code when given. Returns the body for further checks.
 */
export function expectErrorEnvelope(result: HttpResult, status: number, code?: string): ErrorEnvelopeBody {
  expect(result.status, result.text).toBe(status);
  expect(result.headers.get("content-type"), result.text).toMatch(/^application\/json/);
  const body = result.json as Record<string, unknown>;
  expect(
    Object.keys(body).every((key) => ["error", "message", "details"].includes(key)),
    result.text,
  ).toBe(true);
  expect(typeof body["error"]).toBe("string");
  expect(typeof body["message"]).toBe("string");
  expect((body["message"] as string).length).toBeGreaterThan(0);
  if ("details" in body) expect(typeof body["details"] === "object" && body["details"] !== null).toBe(true);
  if (code !== undefined) expect(body["error"]).toBe(code);
  return body as unknown as ErrorEnvelopeBody;
}
