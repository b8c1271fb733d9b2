import { validateBulkCancelRequest } from "@openwop/schema";
import type { RunStatus } from "@openwop/storage";
import type { BulkCancelRequest, BulkCancelResponse } from "@openwop/types";
import { ProtocolError, validationError } from "../errors.js";
import { MAX_ID_LENGTH, unsafeIdTextReason, unstorableTextReason } from "../text.js";
import { checkedBody } from "../validation.js";

/** The most ids one `POST /v1/runs:bulk-cancel` may name (core.md §6.10). */
export const MAX_BULK_CANCEL_RUN_IDS = 100;

export type BulkCancelResult = BulkCancelResponse["results"][number];

/**
 * The body of `POST /v1/runs:bulk-cancel`, or the 400: too many ids is said with
 * `details.maxRunIds`, so a client knows how to split the request.
 */
export function parseBulkCancelRequest(body: unknown): BulkCancelRequest {
  const runIds = typeof body === "object" && body !== null ? (body as { runIds?: unknown }).runIds : undefined;
  if (Array.isArray(runIds) && runIds.length > MAX_BULK_CANCEL_RUN_IDS) {
    throw validationError(`a bulk cancel names at most ${MAX_BULK_CANCEL_RUN_IDS} runs; split the request`, {
      field: "runIds",
      maxRunIds: MAX_BULK_CANCEL_RUN_IDS,
    });
  }
  return checkedBody(validateBulkCancelRequest, body, "bulk cancel body", "runIds");
}

/** Why `candidate` cannot name a run, or undefined when it can be looked up: the rules of a path's run id. */
function runIdProblem(candidate: string): string | undefined {
  if (candidate.length === 0) return "a run id is not empty";
  if (candidate.length > MAX_ID_LENGTH) return `a run id has at most ${MAX_ID_LENGTH} characters`;
  const unsafe = unsafeIdTextReason(candidate);
  return unsafe === undefined ? undefined : `this run id ${unsafe}`;
}

/**
 * Cancels each run in request order, each exactly as `POST /v1/runs/{runId}/cancel` would,
 * and reports each on its own: one id that names nothing, or a run that already ended,
 * never stops the others. `ok` means the run is now cancelling or cancelled.
 */
export async function cancelEach(
  runIds: readonly string[],
  cancelOne: (runId: string) => Promise<{ runId: string; status: RunStatus }>,
): Promise<BulkCancelResult[]> {
  const results: BulkCancelResult[] = [];
  for (const runId of runIds) {
    const problem = runIdProblem(runId);
    if (problem !== undefined) {
      // Echoed only as far as it is safe to: a result is JSON a client may log or store.
      const echoed = unstorableTextReason(runId) === undefined ? runId.slice(0, MAX_ID_LENGTH) : "";
      results.push({ runId: echoed, ok: false, error: { error: "validation_error", message: problem } });
      continue;
    }
    try {
      const { status } = await cancelOne(runId);
      if (status === "cancelling" || status === "cancelled") {
        results.push({ runId, ok: true, status });
      } else {
        results.push({
          runId,
          ok: false,
          status,
          error: { error: "run_terminal", message: `run ${runId} already ended ${status}` },
        });
      }
    } catch (error) {
      // A refusal about this run (not found, expired, busy) is its result; a failure of the
      // host (storage unavailable) fails the request, as it would a single cancel. Cancelling
      // is idempotent, so a client retries the whole request safely.
      if (!(error instanceof ProtocolError) || error.status >= 500) throw error;
      results.push({ runId, ok: false, error: { error: error.code, message: error.message } });
    }
  }
  return results;
}
