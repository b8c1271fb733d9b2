import type { RawResponse } from "@openwop/client";
import { validateErrorEnvelope } from "@openwop/schema";
import { show, type Assertions } from "../runner/assertions.js";
import { assertSchemaValid } from "./schema-checks.js";

export interface EnvelopeExpectation {
  /** Acceptable HTTP statuses. */
  readonly status: number | readonly number[];
  /** Acceptable `error` codes; any code when absent. */
  readonly code?: string | readonly string[];
}

/**
 * Asserts a refusal: the status, the closed `{error, message, details?}` envelope (no extra
 * top-level keys; the schema is closed) and, when given, the code. Returns the envelope.
 */
export function assertErrorEnvelope(
  assert: Assertions,
  response: RawResponse,
  expected: EnvelopeExpectation,
  label: string,
): { error: string; message: string; details?: Record<string, unknown> } {
  const statuses = typeof expected.status === "number" ? [expected.status] : expected.status;
  assert.oneOf(response.status, statuses, `${label}: status`);
  assert.isObject(
    response.body,
    `${label}: body must be a JSON error envelope (got ${show(response.text.slice(0, 120))})`,
  );
  assertSchemaValid(assert, validateErrorEnvelope, response.body, `${label}: error envelope`);
  const envelope = response.body as { error: string; message: string; details?: Record<string, unknown> };
  if (expected.code !== undefined) {
    const codes = typeof expected.code === "string" ? [expected.code] : expected.code;
    assert.oneOf(envelope.error, codes, `${label}: error code`);
  }
  return envelope;
}
