/** Histogram buckets recommended by observability.md §4.1, in seconds. */
export const RUN_DURATION_BUCKETS: readonly number[] = [0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800, 3600];
export const NODE_DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60];
/** One webhook attempt: a receiver answers in milliseconds, or times out at a few seconds. */
export const WEBHOOK_ATTEMPT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
