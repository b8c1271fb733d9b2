/** A W3C trace context as stored with a run: enough to make the run's spans its children. */
export interface StoredTraceContext {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits: the span the run's spans hang under. */
  spanId: string;
  /** The W3C trace flags (bit 0: sampled). */
  traceFlags: number;
}

/**
 * Where a run came from, kept in its engine state for its whole life so that whichever
 * process finishes it (after restarts and takeovers) can name the creating request in
 * the terminal log record and continue the same trace.
 */
export interface RunOrigin {
  /** The correlation id of the request that created the run. */
  correlationId: string;
  /**
   * The incoming `traceparent` of that request, when it sent a valid one. Otherwise the
   * first execution that records a span stores its own context here, so later executions
   * of the run (in any process) join that trace.
   */
  trace?: StoredTraceContext;
}
