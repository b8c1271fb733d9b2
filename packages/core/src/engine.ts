import { randomBytes } from "node:crypto";
import {
  StorageConflictError,
  assertSpiCompatible,
  type CreatedCursor,
  subscribeToRunEvents,
  type IdempotentResponse,
  type JsonValue,
  type RunEvent,
  type RunCreation,
  type RunRecord,
  type RunStatus,
  type StorageAdapter,
  type Unsubscribe,
} from "@openwop/storage";
import { isTerminalStatus } from "@openwop/types";
import { ProtocolError, notFound, validationError } from "./errors.js";
import { refuseOtherTenant } from "./keys/credential-refused.js";
import { KeyService, type GraceLimits } from "./keys/key-service.js";
import type { TokenVerifier } from "./keys/token-verifier.js";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "./webhooks/delivery-policy.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { SecretBox } from "./webhooks/secret-box.js";
import { WebhookService } from "./webhooks/webhook-service.js";
import { completedRecord, priorAnswer } from "./idempotency.js";
import { createBuiltinRegistry } from "./nodes/builtin.js";
import type { NodeRegistry } from "./nodes/registry.js";
import { PendingRunAdmission, type PendingRunAdmissionOptions } from "./admission/pending-runs.js";
import { RunStatusCounts } from "./admission/run-status-counts.js";
import { forceExpireRun, type ExpiredRun } from "./retention/force-expire.js";
import { cancelEach, type BulkCancelResult } from "./run/bulk-cancel.js";
import { cancelRun, resolveInterrupt } from "./run/control.js";
import {
  parsePauseRequest,
  parseResumeRequest,
  pauseRun,
  resumeRun,
  type PauseOutcome,
  type ResumeOutcome,
} from "./run/pause.js";
import { buildRunRecord, parseCreateRunRequest, type RunLimits } from "./run/create.js";
import { listRunPage, type RunFilter, type RunPage } from "./run/listing.js";
import { RunWorker } from "./run/worker.js";
import { TelemetryHub } from "./telemetry/hub.js";
import type { RunOrigin } from "./telemetry/origin.js";
import type { EngineTelemetry } from "./telemetry/sink.js";
import { terminalSummary, type TerminalStatus } from "./telemetry/terminal.js";
import { WorkflowCatalog, type RegisteredWorkflow } from "./workflow/catalog.js";
import { CONFORMANCE_FIXTURES } from "./workflow/fixtures.js";

export interface EngineOptions {
  store: StorageAdapter;
  registry?: NodeRegistry;
  /** Seed the conformance fixtures (default true). */
  seedFixtures?: boolean;
  /** Runtime capabilities this host provides to nodes that declare `requires`. */
  runtimeCapabilities?: Iterable<string>;
  claimTtlMs?: number;
  heartbeatIntervalMs?: number;
  pollIntervalMs?: number;
  maxActiveRuns?: number;
  limits?: Partial<RunLimits>;
  /** A stable id for this process's claims; random by default. */
  holderId?: string;
  now?: () => number;
  onError?: (error: unknown, context: string) => void;
  onRunTerminal?: (run: RunRecord) => void;
  /** A sink for run/node metrics and the terminal record; more can be attached via `engine.telemetry`. */
  telemetry?: Partial<EngineTelemetry>;
  /** Bound on runs waiting to execute; unbounded when absent. */
  admission?: PendingRunAdmissionOptions;
  /** Accepts identity-provider tokens besides the host's keys. */
  tokens?: TokenVerifier;
  /** How long a rotated key may keep working. */
  keyGrace?: GraceLimits;
  /** Webhook delivery: how secrets are sealed, how attempts are retried, whether private receivers are allowed. */
  webhooks?: EngineWebhookOptions;
}

export interface EngineWebhookOptions {
  box: SecretBox;
  policy: DeliveryPolicy;
  allowPrivate: boolean;
  /** `openwop-webhook-dispatcher/<host version>` (webhooks.md §5.1). */
  userAgent: string;
  /** How long runs and their events are kept: an older feed cursor has expired. */
  retentionMs: number;
}

export const DEFAULT_LIMITS: RunLimits = { maxNodeExecutions: 1000, maxRunDurationMs: 86_400_000 };

/** A run just created: it starts `pending`, with an empty log. */
export interface CreatedRun {
  runId: string;
  status: "pending";
}

export interface CreateRunOptions {
  /** The creating request's correlation id and trace context, kept with the run. */
  origin?: RunOrigin;
  /** How the caller's credential is named in a failure report (its key prefix). */
  principalLabel?: string;
  /**
   * Layer-1 idempotency: the caller's key, the endpoint it scopes, and the answer to store
   * with the run (the caller owns the answer's shape; the engine only keeps it).
   */
  idempotency?: { key: string; endpoint: string; answer: (run: CreatedRun) => IdempotentResponse };
}

/** A new run, or the answer stored for an earlier request with the same idempotency key. */
export type CreateRunOutcome = { replayed: false; run: CreatedRun } | { replayed: true; response: IdempotentResponse };

/**
 * The engine: workflows, runs, events, interrupts, cancellation and the worker that
 * executes runs — over any storage adapter. The HTTP server is a thin layer on top.
 */
export class Engine {
  readonly store: StorageAdapter;
  readonly registry: NodeRegistry;
  readonly catalog: WorkflowCatalog;
  readonly limits: RunLimits;
  readonly holderId: string;
  readonly worker: RunWorker;
  readonly now: () => number;
  /** Where the engine reports runs created, executions, settled nodes, breached limits and terminal runs. */
  readonly telemetry: TelemetryHub;
  readonly #onRunTerminal: ((run: RunRecord) => void) | undefined;
  readonly #onError: ((error: unknown, context: string) => void) | undefined;
  readonly admission: PendingRunAdmission | undefined;
  /** Runs per status, cached; shared by admission control and the queue metrics. */
  readonly runCounts: RunStatusCounts;
  /** Authentication and key management; its refusals are reported through {@link telemetry}. */
  readonly keys: KeyService;
  /** Webhook subscriptions, deliveries and the tenant event feed. */
  readonly webhooks: WebhookService;
  /** Attempts this process's share of due webhook deliveries. */
  readonly dispatcher: WebhookDispatcher;

  constructor(options: EngineOptions) {
    assertSpiCompatible(options.store);
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.registry = options.registry ?? createBuiltinRegistry();
    this.catalog = new WorkflowCatalog(this.registry);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.runCounts = new RunStatusCounts(this.store, this.now);
    this.admission = options.admission ? new PendingRunAdmission(this.runCounts, options.admission) : undefined;
    this.holderId = options.holderId ?? `host-${randomBytes(6).toString("hex")}`;
    this.#onError = options.onError;
    this.#onRunTerminal = options.onRunTerminal;
    this.telemetry = new TelemetryHub(options.onError);
    if (options.telemetry) this.telemetry.attach(options.telemetry);
    this.keys = new KeyService(this.store, {
      now: this.now,
      ...(options.tokens ? { tokens: options.tokens } : {}),
      ...(options.keyGrace ? { grace: options.keyGrace } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      onFailure: (failure) => this.telemetry.authFailed(failure),
    });
    const webhookOptions = options.webhooks ?? {
      box: new SecretBox(undefined),
      policy: DEFAULT_DELIVERY_POLICY,
      allowPrivate: false,
      userAgent: "openwop-webhook-dispatcher",
      retentionMs: 7 * 86_400_000,
    };
    this.webhooks = new WebhookService(this.store, { ...webhookOptions, now: this.now });
    this.dispatcher = new WebhookDispatcher({
      ...webhookOptions,
      store: this.store,
      holderId: this.holderId,
      now: this.now,
      onAttempt: (attempt) => this.telemetry.webhookAttempted(attempt),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    if (options.seedFixtures ?? true) for (const fixture of CONFORMANCE_FIXTURES) this.catalog.register(fixture);
    this.worker = new RunWorker(
      this.store,
      {
        store: this.store,
        registry: this.registry,
        runtimeCapabilities: new Set(options.runtimeCapabilities ?? []),
        now: this.now,
        onTerminal: (run) => this.#runTerminal(run),
        telemetry: this.telemetry,
      },
      {
        holderId: this.holderId,
        claimTtlMs: options.claimTtlMs ?? 30_000,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
        pollIntervalMs: options.pollIntervalMs ?? 1_000,
        maxActiveRuns: options.maxActiveRuns ?? 10_000,
        ...(options.onError ? { onError: options.onError } : {}),
      },
    );
  }

  start(): void {
    this.worker.start();
    this.keys.start();
    this.dispatcher.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.dispatcher.stop();
    await this.keys.stop();
  }

  workflow(workflowId: string): RegisteredWorkflow | undefined {
    return this.catalog.get(workflowId);
  }

  /**
   * Creates a run. With an idempotency key the run row and the cached answer are written in
   * one transaction, so concurrent duplicates produce exactly one run and a crash can never
   * separate a run from its answer; a duplicate gets the stored answer back.
   */
  async createRun(tenantId: string, body: unknown, options: CreateRunOptions = {}): Promise<CreateRunOutcome> {
    refuseOtherTenant(tenantId, body, options.principalLabel ?? null);
    const request = parseCreateRunRequest(body);
    const workflow = this.catalog.get(request.workflowId);
    if (!workflow) {
      throw validationError(`workflow ${request.workflowId} is not registered on this host`, { field: "workflowId" });
    }
    const run = buildRunRecord(tenantId, workflow, request, this.limits, new Date(this.now()), options.origin);
    const created: CreatedRun = { runId: run.runId, status: "pending" };
    const idempotency = options.idempotency;
    if (idempotency === undefined) {
      await this.#admitAndCreate({ run });
      return { replayed: false, run: created };
    }
    const scope = { tenantId, endpoint: idempotency.endpoint, key: idempotency.key, body: body as JsonValue };
    const prior = await priorAnswer(this.store, scope);
    if (prior) return { replayed: true, response: prior.response };
    try {
      await this.#admitAndCreate({
        run,
        idempotency: completedRecord(scope, idempotency.answer(created), run.createdAt),
      });
    } catch (error) {
      if (!(error instanceof StorageConflictError) || error.reason !== "idempotency-exists") throw error;
      // A concurrent duplicate won the insert: answer with what it stored.
      const winner = await priorAnswer(this.store, scope);
      if (!winner) throw error;
      return { replayed: true, response: winner.response };
    }
    return { replayed: false, run: created };
  }

  /**
   * Admission, then the write. Admission comes after the replay check, so a retry of an
   * accepted run is answered even when the queue is full.
   */
  async #admitAndCreate(creation: RunCreation): Promise<void> {
    await this.admission?.admit();
    await this.store.createRun(creation);
    this.telemetry.runCreated({ workflowId: creation.run.workflowId });
    this.admission?.noteCreated();
    this.worker.poke();
  }

  /**
   * A run reached a terminal status in this process (an execution finished it, or a cancel
   * of a run nobody executed): report it once, after the commit. Never throws into the run.
   */
  #runTerminal(run: RunRecord): void {
    if (!isTerminalStatus(run.status)) return;
    this.telemetry.runTerminal(terminalSummary(run, run.status as TerminalStatus));
    try {
      this.#onRunTerminal?.(run);
    } catch (error) {
      this.#onError?.(error, `onRunTerminal for run ${run.runId}`);
    }
  }

  /**
   * A run the tenant may see; another tenant's run is reported missing, never forbidden.
   * The tenant is part of the storage query, so another tenant's run is never loaded.
   */
  async getRun(tenantId: string, runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId, tenantId);
    if (run) return run;
    const tombstone = await this.store.getTombstone(runId, tenantId);
    if (tombstone) {
      throw new ProtocolError("run_expired", `run ${runId} expired under the retention policy`, {
        expiredAt: tombstone.expiredAt,
      });
    }
    throw notFound(`run ${runId} does not exist`);
  }

  async cancelRun(tenantId: string, runId: string): Promise<{ runId: string; status: RunStatus }> {
    await this.getRun(tenantId, runId);
    return cancelRun(this.store, this.worker, tenantId, runId, this.now, (run) => this.#runTerminal(run));
  }

  /**
   * Pauses the tenant's run (core.md §6.11): it starts no node until resumed, in any process,
   * across restarts. `body` is the request body, checked here; 409 `run_not_pausable` when
   * the run is paused already, cancelling or ended.
   */
  async pauseRun(tenantId: string, runId: string, body: unknown): Promise<PauseOutcome> {
    const request = parsePauseRequest(body);
    const run = await this.getRun(tenantId, runId);
    return pauseRun(this.store, this.worker, run, request, this.now);
  }

  /** Resumes the tenant's paused run (core.md §6.11); 409 `run_not_paused` for any other. */
  async resumeRun(tenantId: string, runId: string, body?: unknown): Promise<ResumeOutcome> {
    parseResumeRequest(body);
    const run = await this.getRun(tenantId, runId);
    return resumeRun(this.store, this.worker, run, this.now);
  }

  /** One page of the tenant's runs, newest first (core.md §6.9). */
  listRuns(tenantId: string, filter: RunFilter, limit: number, after?: CreatedCursor): Promise<RunPage> {
    return listRunPage(this.store, tenantId, filter, limit, after);
  }

  /** Cancels each of `runIds` of the tenant in order, each answered on its own (core.md §6.10). */
  bulkCancel(tenantId: string, runIds: readonly string[]): Promise<BulkCancelResult[]> {
    return cancelEach(runIds, (runId) => this.cancelRun(tenantId, runId));
  }

  async resolveInterrupt(
    tenantId: string,
    runId: string,
    nodeId: string,
    body: unknown,
  ): Promise<{ runId: string; nodeId: string; status: RunStatus }> {
    const run = await this.getRun(tenantId, runId);
    const result = await resolveInterrupt(this.store, run, nodeId, body, this.now());
    this.worker.poke();
    return result;
  }

  /**
   * The force-expire test seam: removes one finished run of the tenant now, exactly as the
   * retention sweep would. Another tenant's run is 404, an already expired run 410, an
   * unfinished run 409 `run_not_terminal`.
   */
  async expireRun(tenantId: string, runId: string): Promise<ExpiredRun> {
    const run = await this.getRun(tenantId, runId);
    const expired = await forceExpireRun(this.store, run, this.now());
    if (expired) return expired;
    // A sweep removed it between the read and the delete: answer from its tombstone (410).
    await this.getRun(tenantId, runId);
    throw notFound(`run ${runId} does not exist`);
  }

  /** Events of the tenant's run from `fromSequence` (inclusive), in order; none for another tenant's run. */
  readEvents(tenantId: string, runId: string, fromSequence: number, limit: number): Promise<RunEvent[]> {
    return this.store.readEvents(runId, { fromSequence, limit, tenantId });
  }

  /** Backlog then live events of the tenant's run with no gap or repeat; see `subscribeToRunEvents`. */
  subscribe(
    tenantId: string,
    runId: string,
    fromSequence: number,
    onEvent: (event: RunEvent) => void,
    onError?: (error: unknown) => void,
  ): Unsubscribe {
    return subscribeToRunEvents(this.store, runId, {
      fromSequence,
      onEvent,
      tenantId,
      ...(onError ? { onError } : {}),
    });
  }
}
