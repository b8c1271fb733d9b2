import { describe } from "vitest";
import { AdapterHarness, type StorageAdapterFactory } from "./harness.js";
import { resolveContractSettings, type StorageAdapterContractOptions } from "./options.js";
import { describeApiKeys } from "./suites/api-keys.js";
import { describeAuthFailures } from "./suites/auth-failures.js";
import { describeClaims } from "./suites/claims.js";
import { describeEventFeed } from "./suites/event-feed.js";
import { describeEventLog } from "./suites/event-log.js";
import { describeEventSubscription } from "./suites/event-subscription.js";
import { describeIdempotency } from "./suites/idempotency.js";
import { describeConfiguredKeys } from "./suites/configured-keys.js";
import { describeKeyRotation } from "./suites/key-rotation.js";
import { describeKeyState } from "./suites/key-state.js";
import { describeLifecycle } from "./suites/lifecycle.js";
import { describeRetention } from "./suites/retention.js";
import { describeRunCreation } from "./suites/run-creation.js";
import { describeRunListing } from "./suites/run-listing.js";
import { describeStepCommit } from "./suites/step-commit.js";
import { describeStepConcurrency } from "./suites/step-concurrency.js";
import { describeSuspensions } from "./suites/suspensions.js";
import { describeTenantScope } from "./suites/tenant-scope.js";
import { describeWebhookAttempts } from "./suites/webhook-attempts.js";
import { describeWebhookClaims } from "./suites/webhook-claims.js";
import { describeWebhookInspection } from "./suites/webhook-inspection.js";
import { describeWebhookOutbox } from "./suites/webhook-outbox.js";
import { describeWebhookReplay } from "./suites/webhook-replay.js";
import { describeWebhookSubscriptions } from "./suites/webhook-subscriptions.js";
import { describeWorkQueue } from "./suites/work-queue.js";

/**
 * Registers the storage adapter contract as vitest suites: the single definition of
 * adapter correctness. An adapter is correct when every test passes; there is no way to
 * skip a test, because a host cannot skip the behaviour it relies on.
 *
 * The factory runs before every test and must return an adapter over an **empty** store;
 * the kit closes the adapter after the test and then calls `cleanup`. Time never comes
 * from the wall clock: claims, leases and retention are driven by the `now` values the
 * tests pass in.
 *
 * @example
 * // my-adapter.test.ts
 * import { describeStorageAdapterContract } from "@openwop/storage/testing";
 * import { createMyAdapter } from "./my-adapter.js";
 *
 * describeStorageAdapterContract("my-adapter", async () => {
 *   const adapter = await createMyAdapter({ database: await createEmptyDatabase() });
 *   return { adapter, cleanup: () => dropDatabase() };
 * });
 */
export function describeStorageAdapterContract(
  name: string,
  factory: StorageAdapterFactory,
  options: StorageAdapterContractOptions = {},
): void {
  const settings = resolveContractSettings(options);
  // Sequential on purpose: each test owns the one adapter the harness hands out.
  describe(`storage adapter contract: ${name}`, {
    concurrent: false,
    shuffle: false,
    timeout: settings.testTimeoutMs,
  }, () => {
    const harness = new AdapterHarness(factory);
    harness.install();
    describeLifecycle(harness);
    describeRunCreation(harness);
    describeRunListing(harness);
    describeStepCommit(harness);
    describeStepConcurrency(harness, settings);
    describeEventLog(harness, settings);
    describeEventSubscription(harness, settings);
    describeIdempotency(harness);
    describeClaims(harness);
    describeWorkQueue(harness, settings);
    describeSuspensions(harness);
    describeTenantScope(harness, settings);
    describeApiKeys(harness);
    describeKeyRotation(harness);
    describeConfiguredKeys(harness);
    describeKeyState(harness);
    describeAuthFailures(harness);
    describeWebhookSubscriptions(harness);
    describeWebhookOutbox(harness, settings);
    describeWebhookClaims(harness, settings);
    describeWebhookAttempts(harness, settings);
    describeWebhookReplay(harness, settings);
    describeWebhookInspection(harness);
    describeEventFeed(harness, settings);
    describeRetention(harness);
  });
}
