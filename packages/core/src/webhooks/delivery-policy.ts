/**
 * How a host retries webhook deliveries and breaks circuits (webhooks.md §8.2, §13.2-§13.3),
 * advertised in the `webhooks` discovery block.
 */
export interface DeliveryPolicy {
  /** Attempts before a delivery is dead-lettered; 1 is best-effort (webhooks.md §8.1). */
  maxAttempts: number;
  /** The first retry's backoff ceiling; each later one doubles it. */
  retryBaseMs: number;
  /** The longest wait between two attempts. */
  maxRetryDelayMs: number;
  /** Failed attempts in a row that open a subscription's circuit. */
  circuitFailures: number;
  /** How long an open circuit holds deliveries back. */
  circuitOpenMs: number;
  /** Failed attempts within `failureWindowMs` after which a subscription is marked failed. */
  failureBudget: number;
  failureWindowMs: number;
  /** How long a dispatcher holds a delivery while attempting it. */
  leaseMs: number;
  /** Deliveries attempted at once by one process. */
  concurrency: number;
  /** One attempt's bound: connect and answer. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  maxAttempts: 12,
  retryBaseMs: 1_000,
  maxRetryDelayMs: 3_600_000,
  circuitFailures: 4,
  circuitOpenMs: 3_600_000,
  failureBudget: 100,
  failureWindowMs: 7 * 86_400_000,
  leaseMs: 30_000,
  concurrency: 16,
  timeoutMs: 5_000,
});

/**
 * The wait before the attempt after `failedAttempts` failures: uniform in
 * `[0, min(maxRetryDelayMs, retryBaseMs * 2^(failedAttempts - 1))]` (full jitter), so hosts
 * retrying against one recovering receiver spread out instead of arriving together.
 */
export function retryDelayMs(
  policy: DeliveryPolicy,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.retryBaseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
