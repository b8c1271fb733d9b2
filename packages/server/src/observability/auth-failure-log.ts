import type { AuthFailure, EngineTelemetry } from "@openwop/core";
import type { Logger } from "pino";

/** Failure lines written per second before the rest of that second is summed into one line. */
const LINES_PER_SECOND = 20;

/**
 * One warn-level line per refused credential (auth.md §10.10): reason, route, key prefix
 * (never the key), tenant when known and correlation id. A flood cannot fill the disk: past
 * 20 lines in a second, the rest of that second is counted and reported as one
 * `auth.failures_suppressed` line when the next failure arrives.
 */
export function authFailureLogSink(logger: Logger, now: () => number = Date.now): Pick<EngineTelemetry, "authFailed"> {
  let second = Number.NEGATIVE_INFINITY;
  let written = 0;
  let suppressed = 0;
  return {
    authFailed(failure: AuthFailure) {
      const current = Math.floor(now() / 1000);
      if (current !== second) {
        if (suppressed > 0) {
          logger.warn(
            { event: "auth.failures_suppressed", count: suppressed, second: new Date(second * 1000).toISOString() },
            `${suppressed} more authentication failures in one second were not logged one by one`,
          );
        }
        second = current;
        written = 0;
        suppressed = 0;
      }
      if (written >= LINES_PER_SECOND) {
        suppressed += 1;
        return;
      }
      written += 1;
      logger.warn(
        {
          event: "auth.failure",
          reason: failure.reason,
          route: failure.route,
          keyPrefix: failure.keyPrefix,
          tenantId: failure.tenantId,
          correlationId: failure.correlationId,
        },
        `request refused: ${failure.reason}`,
      );
    },
  };
}
