import type { RawResponse } from "@openwop/client";
import { validateErrorEnvelope } from "@openwop/schema";
import { statusOfError, type ErrorCode } from "@openwop/types";
import { show, type Assertions } from "../runner/assertions.js";
import { assertSchemaValid } from "./schema-checks.js";

/**
 * What a refusal must look like. Name the `error` code(s) and the statuses come from the
 * error catalog of `@openwop/types` (each code's usual status); give `status` only where a
 * section allows other statuses than the usual one, or where any code will do.
 */
export type EnvelopeExpectation =
  | { readonly code: ErrorCode | readonly ErrorCode[]; readonly status?: number | readonly number[] }
  | { readonly status: number | readonly number[]; readonly code?: string | readonly string[] };

const listOf = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T]);

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
  const statuses =
    expected.status === undefined
      ? [...new Set(listOf(expected.code as ErrorCode | readonly ErrorCode[]).map(statusOfError))]
      : listOf(expected.status);
  assert.oneOf(response.status, statuses, `${label}: status`);
  assert.isObject(
    response.body,
    `${label}: body must be a JSON error envelope (got ${show(response.text.slice(0, 120))})`,
  );
  assertSchemaValid(assert, validateErrorEnvelope, response.body, `${label}: error envelope`);
  const envelope = response.body as { error: string; message: string; details?: Record<string, unknown> };
  if (expected.code !== undefined) assert.oneOf(envelope.error, listOf<string>(expected.code), `${label}: error code`);
  return envelope;
}
