import {
  ClaimLostError,
  StorageConflictError,
  type ClaimFence,
  type JsonObject,
  type NewRunEvent,
  type RunPatch,
  type RunRecord,
  type RunStep,
  type StorageAdapter,
  type SuspensionRecord,
} from "@openwop/storage";
import type { RunFailure } from "../errors.js";
import type { NodeRegistry } from "../nodes/registry.js";
import type { NodeOutcome } from "../nodes/types.js";
import type { WorkflowDefinition, WorkflowNode } from "@openwop/types";
import { WorkflowGraph } from "../workflow/graph.js";
import { ExpressionError } from "../workflow/expression.js";
import { InputResolutionError, resolveInputs } from "../workflow/inputs.js";
import { RunSensitivity } from "../workflow/sensitivity.js";
import { cancelInFlightNodes, runCancelledEvent } from "./cancellation.js";
import { runEvent } from "./events.js";
import { maskSensitiveVariables } from "./redaction.js";
import { retryDelayFor, retryPolicyOf } from "./retry-policy.js";
import type { EngineTelemetry } from "../telemetry/sink.js";
import { RunTracing } from "../telemetry/run-tracing.js";
import { sleepUntil } from "./sleep.js";
import { readEngineState, storeEngineState, type EngineState, type NodeState } from "./state.js";

/**
 * Why an execution was told to stop. All but `cancel` stop after committing what is done:
 * `pause` is an operator's pause draining this process's execution (core.md §6.11).
 */
export type StopReason = "cancel" | "claim-lost" | "shutdown" | "pause";

export interface ExecutorDependencies {
  store: StorageAdapter;
  registry: NodeRegistry;
  runtimeCapabilities: ReadonlySet<string>;
  now: () => number;
  /** Called once per run that reaches a terminal status in this process. */
  onTerminal?: (run: RunRecord) => void;
  /** Receives metric-worthy occurrences (executions, settled nodes, breached limits). */
  telemetry?: EngineTelemetry;
}

/** Statuses in which the holder of a claim may keep writing. */
const EXECUTABLE: RunStep["expectStatus"] = ["pending", "running", "cancelling"];

/** Flush buffered events at least this often while nodes keep completing synchronously. */
const FLUSH_INTERVAL_MS = 50;
const FLUSH_EVENT_COUNT = 64;

/**
 * Executes one claimed run until it finishes, suspends, or is told to stop.
 *
 * Progress is written in steps: the events of consecutive fast nodes are buffered and
 * committed together with the run row in one transaction (fenced by the claim), and
 * the buffer is always flushed before the run waits — on a delay, an interrupt, or the
 * end. So nothing is visible before it is durable, a terminal status commits together
 * with its terminal event, and a crash at any point resumes from the last commit.
 */
export class RunExecution {
  readonly #graph: WorkflowGraph;
  readonly #state: EngineState;
  readonly #fence: ClaimFence;
  /** What this run must not log in the clear: its sensitive variables and what was derived from them. */
  readonly #sensitivity: RunSensitivity;
  #run: RunRecord;
  #events: NewRunEvent[] = [];
  #patch: RunPatch = {};
  #lastFlush: number;
  #sleeping = false;
  #tracing: RunTracing | undefined;
  #terminalError: RunFailure | null = null;

  constructor(
    private readonly deps: ExecutorDependencies,
    run: RunRecord,
    fence: ClaimFence,
    private readonly signal: AbortSignal,
  ) {
    this.#run = run;
    this.#fence = fence;
    this.#graph = new WorkflowGraph(run.definition as unknown as WorkflowDefinition);
    this.#state = readEngineState(structuredClone(run.engineState));
    this.#sensitivity = new RunSensitivity(this.#graph.definition, run);
    this.#lastFlush = deps.now();
  }

  /** True while the run waits on a delay, the only long wait an execution has. */
  get sleeping(): boolean {
    return this.#sleeping;
  }

  /** Runs to completion or suspension; resolves quietly when the claim is lost or the host stops. */
  async execute(): Promise<void> {
    const tracing = new RunTracing(this.#run, this.#state.origin);
    this.#tracing = tracing;
    // Persisted with the next step, so every later execution of this run joins this trace.
    if (this.#state.origin && tracing.traceToStore)
      this.#state.origin = { ...this.#state.origin, trace: tracing.traceToStore };
    this.deps.telemetry?.executionStarted();
    try {
      await this.#loop();
    } catch (error) {
      if (error instanceof ClaimLostError) return;
      if (error instanceof StorageConflictError && error.reason === "run-status") return;
      tracing.recordError(error);
      throw error;
    } finally {
      tracing.end(this.#run.status, this.#terminalError?.code);
      this.deps.telemetry?.executionEnded();
    }
  }

  async #loop(): Promise<void> {
    if (this.#run.cancelRequested) return this.#cancel();
    if (this.#run.status === "pending") this.#start();
    for (;;) {
      const reason = this.signal.reason as StopReason | undefined;
      if (this.signal.aborted) {
        if (reason === "cancel") return this.#cancel();
        return this.#flushIfDirty();
      }
      if (this.#timedOut()) return this.#failForTimeout();
      const step = this.#graph.next(this.#state, { variables: this.#run.variables, inputs: this.#run.inputs });
      if (step.kind === "finished") {
        return step.outcome === "completed"
          ? this.#complete()
          : this.#fail(this.#nodeFailure(step.failedNodeId), step.failedNodeId);
      }
      if (step.kind === "skip") {
        this.#setNode(step.node.id, { status: "skipped" });
        this.#emit(
          "node.skipped",
          { nodeId: step.node.id, reason: step.reason, ...(step.error ? { error: step.error.failure() } : {}) },
          step.node.id,
        );
        continue;
      }
      const paused = await this.#executeNode(step.node);
      if (paused) return;
      if (this.#events.length >= FLUSH_EVENT_COUNT || this.deps.now() - this.#lastFlush >= FLUSH_INTERVAL_MS) {
        await this.#flush();
      }
    }
  }

  #start(): void {
    const now = this.deps.now();
    const definition = this.#graph.definition;
    this.#emit("run.started", {
      workflowId: this.#run.workflowId,
      inputs: maskSensitiveVariables(definition.variables, this.#run.inputs),
      transport: "rest",
      engineVersion: "1",
      owner: { tenant: this.#run.tenantId },
      ...(this.#run.tags.length > 0 ? { tags: this.#run.tags } : {}),
    });
    this.#run.status = "running";
    this.#patch.status = "running";
    this.#patch.startedAt = new Date(now).toISOString();
    this.#run.startedAt = this.#patch.startedAt;
    if (this.#state.limits.timeoutMs !== undefined) this.#state.deadline = now + this.#state.limits.timeoutMs;
  }

  /** Returns true when the run stopped executing in this process (suspended). */
  async #executeNode(node: WorkflowNode): Promise<boolean> {
    const current = this.#state.nodes[node.id] ?? { status: "pending" };
    // Backing off before a retry: wait out the persisted deadline (a restart waits only the rest).
    if (current.status === "retrying" && !(await this.#waitUntil(current.wakeAt ?? 0))) return false;
    if (current.status === "pending" || current.status === "retrying") {
      if (this.#state.executions + 1 > this.#state.limits.nodeExecutions) {
        await this.#failForNodeLimit(node.id);
        return true;
      }
      const attempt = current.attempt ?? 0;
      this.#tracing?.nodeStarted(node.id, node.typeId);
      this.#state.executions += 1;
      this.#setNode(node.id, { status: "running", startedAt: this.#isoNow(), ...(attempt > 0 ? { attempt } : {}) });
      this.#emit("node.started", { nodeId: node.id, typeId: node.typeId, attempt }, node.id);
      const missing = this.#missingCapability(node);
      if (missing !== undefined) {
        this.#nodeFailed(node.id, {
          code: "capability_not_provided",
          message: `node ${node.id} requires runtime capability ${missing}, which this host does not provide`,
          details: { capability: missing, nodeId: node.id },
        });
        return false;
      }
    }
    // A node in progress (sleeping, resumed, taken over) gets its span in this execution.
    this.#tracing?.nodeStarted(node.id, node.typeId);
    const outcome = await this.#invoke(node);
    return this.#apply(node, outcome);
  }

  #missingCapability(node: WorkflowNode): string | undefined {
    const required = [...(this.deps.registry.get(node.typeId)?.requires ?? []), ...(node.requires ?? [])];
    return required.find((capability) => !this.deps.runtimeCapabilities.has(capability));
  }

  async #invoke(node: WorkflowNode): Promise<NodeOutcome> {
    const type = this.deps.registry.get(node.typeId);
    if (!type) {
      return {
        kind: "failed",
        error: { code: "unsupported_node_type", message: `node type ${node.typeId} is not registered` },
      };
    }
    const state = this.#state.nodes[node.id] as NodeState;
    try {
      const inputs = resolveInputs(node.inputs, this.#run.variables, (id) => this.#state.nodes[id]?.outputs, {
        runInputs: this.#run.inputs,
        nodeId: node.id,
        sensitivity: this.#sensitivity,
      });
      return await type.execute({
        runId: this.#run.runId,
        nodeId: node.id,
        // The run's frozen definition is stored JSON, so its node configuration is JSON.
        config: node.config as JsonObject,
        inputs,
        variables: this.#run.variables,
        configurable: this.#run.configurable,
        wakeAt: state.wakeAt ?? null,
        resumeValue: state.status === "resumed" ? (state.resumeValue ?? null) : null,
        attempt: state.attempt ?? 0,
        idempotencyKey: `${this.#run.runId}:${node.id}:${state.attempt ?? 0}`,
        signal: this.signal,
        now: this.deps.now,
      });
    } catch (error) {
      if (error instanceof ExpressionError) return { kind: "failed", error: error.failure() };
      if (error instanceof InputResolutionError) {
        return {
          kind: "failed",
          error: { code: "node_input_missing", message: error.message, details: { input: error.input } },
        };
      }
      return {
        kind: "failed",
        error: { code: "node_error", message: error instanceof Error ? error.message : String(error) },
      };
    }
  }

  async #apply(node: WorkflowNode, outcome: NodeOutcome): Promise<boolean> {
    switch (outcome.kind) {
      case "completed": {
        for (const [name, next] of Object.entries(outcome.variables ?? {})) {
          const previous = this.#run.variables[name];
          this.#run.variables = { ...this.#run.variables, [name]: next };
          this.#patch.variables = this.#run.variables;
          this.#emit(
            "variable.changed",
            { name, ...(previous === undefined ? {} : { previous }), next, nodeId: node.id },
            node.id,
          );
        }
        const started = this.#state.nodes[node.id]?.startedAt;
        this.#setNode(node.id, {
          status: "completed",
          outputs: outcome.outputs ?? {},
          completedAt: this.#isoNow(),
          ...(outcome.branch === undefined ? {} : { branch: outcome.branch }),
        });
        this.#emit(
          "node.completed",
          {
            nodeId: node.id,
            outputs: outcome.outputs ?? {},
            ...(started ? { durationMs: Math.max(0, this.deps.now() - Date.parse(started)) } : {}),
          },
          node.id,
        );
        this.#nodeSettled(node.id, "completed", started);
        return false;
      }
      case "failed":
        if (!this.#scheduleRetry(node, outcome.error)) this.#nodeFailed(node.id, outcome.error);
        return false;
      case "sleep":
        await this.#sleep(node, outcome.wakeAt);
        return false;
      case "interrupt":
        await this.#suspend(node, outcome.interrupt.kind, outcome.interrupt.data);
        return true;
    }
  }

  async #sleep(node: WorkflowNode, wakeAt: number): Promise<void> {
    const state = this.#state.nodes[node.id] as NodeState;
    if (state.status !== "sleeping" || state.wakeAt !== wakeAt) {
      this.#setNode(node.id, {
        ...(state.attempt === undefined ? {} : { attempt: state.attempt }),
        status: "sleeping",
        wakeAt,
      });
    }
    await this.#waitUntil(wakeAt);
  }

  /**
   * Commits what is buffered, then waits until `wakeAt`, the run's deadline or a stop,
   * whichever is first. True when `wakeAt` was reached.
   */
  async #waitUntil(wakeAt: number): Promise<boolean> {
    await this.#flushIfDirty();
    this.#sleeping = true;
    try {
      await sleepUntil(Math.min(wakeAt, this.#state.deadline ?? Number.POSITIVE_INFINITY), this.deps.now, this.signal);
    } finally {
      this.#sleeping = false;
    }
    return !this.signal.aborted && this.deps.now() >= wakeAt;
  }

  /**
   * A failed attempt that its retry policy allows to repeat: `node.retried` with the next
   * attempt and the wait, and the node backs off (`retrying`, its deadline persisted with
   * the next step). False when the failure is final.
   */
  #scheduleRetry(node: WorkflowNode, error: RunFailure): boolean {
    const state = this.#state.nodes[node.id] as NodeState;
    const next = (state.attempt ?? 0) + 1;
    const delayMs = retryDelayFor(retryPolicyOf(node, this.#graph.definition), next, error.code);
    if (delayMs === undefined) return false;
    this.#setNode(node.id, { status: "retrying", attempt: next, wakeAt: this.deps.now() + delayMs });
    this.#emit(
      "node.retried",
      { nodeId: node.id, attempt: next, delayMs, lastError: error as unknown as JsonObject },
      node.id,
    );
    return true;
  }

  async #suspend(node: WorkflowNode, kind: "approval" | "clarification", data: JsonObject): Promise<void> {
    const now = this.deps.now();
    const interruptId = `${this.#run.runId}:${node.id}:${this.#state.executions}`;
    const key = interruptId;
    this.#setNode(node.id, { status: "suspended", suspensionId: interruptId });
    this.#emit(
      "interrupt.requested",
      {
        runId: this.#run.runId,
        nodeId: node.id,
        interruptId,
        kind,
        key,
        data,
        requestedAt: new Date(now).toISOString(),
      },
      node.id,
    );
    if (kind === "approval") {
      this.#emit("approval.requested", { nodeId: node.id, interruptId, ...data }, node.id);
    } else {
      this.#emit(
        "clarification.requested",
        { nodeId: node.id, interruptId, questions: data["questions"] ?? [] },
        node.id,
      );
    }
    this.#emit("node.suspended", { nodeId: node.id, interruptId, kind, key }, node.id);
    this.#tracing?.nodeEnded(node.id, "suspended");
    const status = kind === "approval" ? "waiting-approval" : "waiting-input";
    this.#run.status = status;
    this.#patch.status = status;
    this.#patch.currentNodeId = node.id;
    const suspension: SuspensionRecord = {
      suspensionId: interruptId,
      runId: this.#run.runId,
      nodeId: node.id,
      kind,
      status: "pending",
      data,
      createdAt: new Date(now).toISOString(),
      resolvedAt: null,
      resumeValue: null,
    };
    await this.#flush({ createSuspensions: [suspension], releaseClaim: true });
  }

  #nodeFailed(nodeId: string, error: RunFailure): void {
    const started = this.#state.nodes[nodeId]?.startedAt;
    const attempt = this.#state.nodes[nodeId]?.attempt;
    this.#setNode(nodeId, { status: "failed", error, ...(attempt === undefined ? {} : { attempt }) });
    this.#emit(
      "node.failed",
      { nodeId, error: error as unknown as JsonObject, ...(attempt === undefined ? {} : { attempts: attempt + 1 }) },
      nodeId,
    );
    this.#nodeSettled(nodeId, "failed", started, error.code);
  }

  /** Reports a node that settled in this execution: its span ends and the node metrics move. */
  #nodeSettled(
    nodeId: string,
    status: "completed" | "failed",
    startedAt: string | undefined,
    errorCode?: string,
  ): void {
    this.#tracing?.nodeEnded(nodeId, status, errorCode);
    const typeId = this.#graph.definition.nodes.find((n) => n.id === nodeId)?.typeId ?? "unknown";
    const durationMs = startedAt ? Math.max(0, this.deps.now() - Date.parse(startedAt)) : 0;
    this.deps.telemetry?.nodeSettled({ nodeType: typeId, status, durationMs });
  }

  /** A limit was breached: on the run span and counted, alongside the `cap.breached` event. */
  #capBreached(kind: string, limit: number, observed: number, extra: JsonObject = {}): void {
    this.#emit("cap.breached", { kind, limit, observed, ...extra });
    this.#tracing?.capBreached(kind, limit, observed);
    this.deps.telemetry?.capExceeded({ kind });
  }

  #nodeFailure(nodeId: string): RunFailure {
    return this.#state.nodes[nodeId]?.error ?? { code: "node_failed", message: `node ${nodeId} failed` };
  }

  #timedOut(): boolean {
    return this.#state.deadline !== undefined && this.deps.now() >= this.#state.deadline;
  }

  async #failForTimeout(): Promise<void> {
    const limit = this.#state.limits.timeoutMs ?? 0;
    const observed = this.#run.startedAt ? this.deps.now() - Date.parse(this.#run.startedAt) : limit;
    this.#capBreached("run-duration", limit, Math.max(observed, limit + 1));
    this.#events.push(...cancelInFlightNodes(this.#state, "run timed out", this.deps.now()));
    await this.#fail({ code: "run_timeout", message: `run exceeded its ${limit} ms time limit` });
  }

  async #failForNodeLimit(nodeId: string): Promise<void> {
    const limit = this.#state.limits.nodeExecutions;
    this.#capBreached("node-executions", limit, this.#state.executions + 1, { nodeId });
    await this.#fail({
      code: "recursion_limit_exceeded",
      message: `run would execute more than ${limit} nodes`,
      details: { limit, observed: this.#state.executions + 1 },
    });
  }

  async #complete(): Promise<void> {
    const outputs: JsonObject = {};
    for (const [id, state] of Object.entries(this.#state.nodes)) {
      if (state.status === "completed" && state.outputs && Object.keys(state.outputs).length > 0)
        outputs[id] = state.outputs;
    }
    this.#emit("run.completed", { outputs, durationMs: this.#durationMs() });
    await this.#finish("completed", null);
  }

  async #fail(error: RunFailure, failedNodeId?: string): Promise<void> {
    this.#emit("run.failed", {
      error: error as unknown as JsonObject,
      ...(failedNodeId === undefined ? {} : { failedNodeId }),
      durationMs: this.#durationMs(),
    });
    await this.#finish("failed", error);
  }

  async #cancel(): Promise<void> {
    const now = this.deps.now();
    this.#events.push(
      ...cancelInFlightNodes(this.#state, "run cancelled", now),
      runCancelledEvent(this.#run.startedAt, now),
    );
    const pending = await this.deps.store.listSuspensions(this.#run.runId, { status: "pending" });
    await this.#finish(
      "cancelled",
      null,
      pending.map((s) => s.suspensionId),
    );
  }

  async #finish(
    status: "completed" | "failed" | "cancelled",
    error: RunFailure | null,
    suspensions: string[] = [],
  ): Promise<void> {
    const at = this.#isoNow();
    const before = this.#run.status;
    this.#run.status = status;
    Object.assign(this.#patch, { status, error, completedAt: at, currentNodeId: null } satisfies RunPatch);
    try {
      await this.#flush({
        releaseClaim: true,
        ...(suspensions.length === 0
          ? {}
          : {
              settleSuspensions: suspensions.map((id) => ({
                suspensionId: id,
                from: "pending" as const,
                to: "cancelled" as const,
                resolvedAt: at,
              })),
            }),
      });
    } catch (failure) {
      // Not committed (claim lost, storage down): the run did not end here, and its span must not say so.
      this.#run.status = before;
      throw failure;
    }
    this.#terminalError = error;
    this.deps.onTerminal?.({
      ...this.#run,
      error,
      completedAt: at,
      updatedAt: at,
      engineState: storeEngineState(this.#state),
    });
  }

  #durationMs(): number {
    return this.#run.startedAt ? Math.max(0, this.deps.now() - Date.parse(this.#run.startedAt)) : 0;
  }

  #setNode(nodeId: string, next: NodeState): void {
    this.#state.nodes[nodeId] = next;
  }

  #emit(type: string, payload: JsonObject, nodeId?: string): void {
    this.#events.push(runEvent(type, this.#sensitivity.maskEvent(type, payload, nodeId), this.deps.now(), nodeId));
  }

  #isoNow(): string {
    return new Date(this.deps.now()).toISOString();
  }

  async #flushIfDirty(): Promise<void> {
    if (this.#events.length > 0 || Object.keys(this.#patch).length > 0) await this.#flush();
  }

  async #flush(extra: Pick<RunStep, "createSuspensions" | "settleSuspensions" | "releaseClaim"> = {}): Promise<void> {
    const step: RunStep = {
      runId: this.#run.runId,
      events: this.#events,
      patch: { ...this.#patch, engineState: storeEngineState(this.#state), updatedAt: this.#isoNow() },
      fence: this.#fence,
      expectStatus: EXECUTABLE,
      ...extra,
    };
    this.#events = [];
    this.#patch = {};
    await this.deps.store.commitStep(step);
    this.#lastFlush = this.deps.now();
  }
}
