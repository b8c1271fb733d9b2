import type { Scenario } from "../runner/scenario.js";
import { authScenarios } from "./auth.js";
import { cancellationScenarios } from "./cancellation.js";
import { debugBundleScenarios } from "./debug-bundle.js";
import { discoveryScenarios } from "./discovery.js";
import { errorScenarios } from "./errors.js";
import { expressionScenarios } from "./expressions.js";
import { eventOrderingScenarios } from "./event-ordering.js";
import { fixtureScenarios } from "./fixtures.js";
import { idempotencyScenarios } from "./idempotency.js";
import { interruptScenarios } from "./interrupts.js";
import { keyScenarios } from "./keys.js";
import { limitScenarios } from "./limits.js";
import { malformedInputScenarios } from "./malformed-input.js";
import { pollScenarios } from "./poll.js";
import { productionBackpressureScenarios } from "./production-backpressure.js";
import { productionDurabilityScenarios } from "./production-durability.js";
import { productionProfileScenarios } from "./production-profile.js";
import { productionRetentionScenarios } from "./production-retention.js";
import { runLifecycleScenarios } from "./run-lifecycle.js";
import { runManagementScenarios } from "./run-management.js";
import { runPauseScenarios } from "./run-pause.js";
import { retryScenarios } from "./retries.js";
import { sseScenarios } from "./sse.js";
import { webhookScenarios } from "./webhooks.js";

/**
 * Every scenario, in run order: cheap protocol checks first, then runs, streams,
 * idempotency, interrupts, gated capabilities (key management and the rate-limit burst,
 * webhooks and the event feed among them), the malformed-input battery (after the families whose routes
 * it probes, so a lax host's leftovers cannot disturb them), and the process-level scenarios last
 * (saturation and restarts would disturb anything that ran alongside them).
 */
export const SCENARIOS: readonly Scenario[] = [
  ...discoveryScenarios,
  ...authScenarios,
  ...errorScenarios,
  ...runLifecycleScenarios,
  ...eventOrderingScenarios,
  ...sseScenarios,
  ...pollScenarios,
  ...idempotencyScenarios,
  ...cancellationScenarios,
  ...runManagementScenarios,
  ...runPauseScenarios,
  ...retryScenarios,
  ...expressionScenarios,
  ...interruptScenarios,
  ...limitScenarios,
  ...fixtureScenarios,
  ...debugBundleScenarios,
  ...keyScenarios,
  ...webhookScenarios,
  ...malformedInputScenarios,
  ...productionProfileScenarios,
  ...productionRetentionScenarios,
  ...productionBackpressureScenarios,
  ...productionDurabilityScenarios,
];
