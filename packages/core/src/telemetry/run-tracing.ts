import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  isSpanContextValid,
  trace,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import type { RunOrigin, StoredTraceContext } from "./origin.js";

/** The protocol version the `openwop.run` span names (the discovery document's `protocolVersion`). */
export const PROTOCOL_VERSION = "1.0";

const TRACER_NAME = "@openwop/core";

export type NodeSpanOutcome = "completed" | "failed" | "suspended";

interface RunIdentity {
  runId: string;
  workflowId: string;
  tenantId: string;
}

/** The context the run's spans hang under: the stored trace when there is one, else a new trace. */
function parentOf(origin: RunOrigin | undefined): Context {
  if (!origin?.trace) return ROOT_CONTEXT;
  const { traceId, spanId, traceFlags } = origin.trace;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, isRemote: true });
}

/**
 * The spans of one execution of a run in this process: an `openwop.run` span for the
 * execution and an `openwop.node.<typeId>` child per node it works on. Through
 * `@opentelemetry/api` only, so without a registered SDK every call is a no-op.
 *
 * A run that suspends, or is taken over, gets a new `openwop.run` span in its next
 * execution, under the same stored trace context (observability.md §3.1).
 */
export class RunTracing {
  readonly #tracer: Tracer;
  readonly #run: RunIdentity;
  readonly #span: Span;
  readonly #nodes = new Map<string, Span>();
  readonly #fresh: StoredTraceContext | undefined;
  #ended = false;

  constructor(run: RunIdentity, origin: RunOrigin | undefined) {
    // Looked up per execution, not cached: a provider registered later (tests, late SDK start) is used.
    this.#tracer = trace.getTracer(TRACER_NAME);
    this.#run = run;
    this.#span = this.#tracer.startSpan(
      "openwop.run",
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          "openwop.run_id": run.runId,
          "openwop.workflow_id": run.workflowId,
          "openwop.protocol_version": PROTOCOL_VERSION,
          "openwop.tenant_id": run.tenantId,
        },
      },
      parentOf(origin),
    );
    const own = this.#span.spanContext();
    this.#fresh =
      !origin?.trace && isSpanContextValid(own)
        ? { traceId: own.traceId, spanId: own.spanId, traceFlags: own.traceFlags }
        : undefined;
  }

  /**
   * This execution's span context when the run had no stored trace yet: the engine stores
   * it, so that later executions (other processes included) join this trace.
   */
  get traceToStore(): StoredTraceContext | undefined {
    return this.#fresh;
  }

  /** Opens the node's span unless one is already open (a delay continues across loop turns). */
  nodeStarted(nodeId: string, typeId: string, attempt = 0): void {
    if (this.#nodes.has(nodeId)) return;
    const span = this.#tracer.startSpan(
      `openwop.node.${typeId}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          "openwop.run_id": this.#run.runId,
          "openwop.workflow_id": this.#run.workflowId,
          "openwop.node_id": nodeId,
          "openwop.node_type": typeId,
          "openwop.node_attempt": attempt,
        },
      },
      trace.setSpan(ROOT_CONTEXT, this.#span),
    );
    this.#nodes.set(nodeId, span);
  }

  nodeEnded(nodeId: string, outcome: NodeSpanOutcome, errorCode?: string): void {
    const span = this.#nodes.get(nodeId);
    if (!span) return;
    this.#nodes.delete(nodeId);
    if (outcome === "completed") span.setStatus({ code: SpanStatusCode.OK });
    if (outcome === "failed") {
      span.setStatus({ code: SpanStatusCode.ERROR });
      if (errorCode !== undefined) span.setAttribute("openwop.error_code", errorCode);
    }
    span.end();
  }

  /** A limit was breached: recorded on the run span, where the breach happened. */
  capBreached(kind: string, limit: number, observed: number): void {
    this.#span.setAttributes({
      "openwop.cap_kind": kind,
      "openwop.cap_limit": limit,
      "openwop.cap_observed": observed,
    });
  }

  /** An error that escaped the execution (a storage outage): recorded, the span ends in error. */
  recordError(error: unknown): void {
    this.#span.recordException(error instanceof Error ? error : String(error));
    this.#span.setStatus({ code: SpanStatusCode.ERROR });
  }

  /**
   * Ends the execution's spans. `status` is where the run stands now; the run span's status
   * follows the spec: ok for completed, error for failed, unset for anything else.
   * Node spans still open (cancelled, stopped, claim lost) end with status unset.
   */
  end(status: string, errorCode?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const span of this.#nodes.values()) span.end();
    this.#nodes.clear();
    this.#span.setAttribute("openwop.run_status", status);
    if (status === "completed") this.#span.setStatus({ code: SpanStatusCode.OK });
    if (status === "failed") {
      this.#span.setStatus({ code: SpanStatusCode.ERROR });
      if (errorCode !== undefined) this.#span.setAttribute("openwop.error_code", errorCode);
    }
    this.#span.end();
  }
}
