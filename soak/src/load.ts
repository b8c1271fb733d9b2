import type { Cluster } from "./cluster.js";
import { call, NoAnswerError, sleep, type Answer } from "./http.js";
import type { IdempotentCreate, Ledger, RunKind, TrackedRun } from "./ledger.js";
import type { Random } from "./random.js";
import { SseFollower } from "./sse-follower.js";

/** Share of acknowledged runs that get an SSE follower. */
const FOLLOW_SHARE = 0.3;
const ACTORS = 3;

type Action =
  | "plain"
  | "idempotent"
  | "retry"
  | "approval"
  | "resolve"
  | "cancellable"
  | "cancel"
  | "pause-webhook"
  | "resume-webhook";
const MIX: Array<[Action, number]> = [
  ["plain", 30],
  ["idempotent", 22],
  ["retry", 8],
  ["approval", 10],
  ["resolve", 12],
  ["cancellable", 8],
  ["cancel", 10],
  ["pause-webhook", 1],
  ["resume-webhook", 2],
];

/**
 * The continuous mixed load: a few actors, each issuing one request after another to a
 * random live host, recording in the ledger what the hosts acknowledged. Paused while a
 * cycle is checked, so the check sees a store at rest.
 */
export class LoadGenerator {
  readonly followers: SseFollower[] = [];
  /** Approval runs not yet resolved. */
  readonly approvals: TrackedRun[] = [];
  /** Cancellable runs not yet cancelled. */
  readonly cancellables: TrackedRun[] = [];
  #running = false;
  #actors: Array<Promise<void>> = [];
  #keys = 0;
  /** The store's webhook subscription, paused and resumed now and then. */
  webhookId: string | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly ledger: Ledger,
    private readonly random: Random,
  ) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#actors = Array.from({ length: ACTORS }, () => this.#act());
  }

  /** Stops issuing requests and waits for those in flight to be answered (or to fail). */
  async pause(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#actors);
    this.#actors = [];
  }

  async #act(): Promise<void> {
    while (this.#running) {
      const url = this.cluster.url(this.random);
      if (url === undefined) {
        await sleep(50);
        continue;
      }
      try {
        await this.#perform(this.#choose(), url);
      } catch (error) {
        if (!(error instanceof NoAnswerError)) this.ledger.violate(`load: ${String(error)}`);
      }
      await sleep(this.random.between(5, 40));
    }
  }

  #choose(): Action {
    const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.random.next() * total;
    for (const [action, weight] of MIX) {
      roll -= weight;
      if (roll < 0) return action;
    }
    return "plain";
  }

  async #perform(action: Action, url: string): Promise<void> {
    switch (action) {
      case "plain":
        return this.#createPlain(url, this.#plainBody(), "plain");
      case "approval":
        return this.#createPlain(url, { workflowId: "conformance-approval", inputs: {} }, "approval");
      case "cancellable":
        return this.#createPlain(
          url,
          { workflowId: "conformance-cancellable", inputs: { delayMs: 30_000 } },
          "cancellable",
        );
      case "idempotent":
        return this.#createIdempotent(url, this.#newKey());
      case "retry": {
        const keys = [...this.ledger.keys.keys()];
        if (keys.length === 0) return;
        const key = this.random.pick(keys);
        const first = this.ledger.keys.get(key);
        if (first) await this.createWithKey(url, { key, body: first.body });
        return;
      }
      case "resolve": {
        const run = this.approvals.length > 0 ? this.random.pick(this.approvals) : undefined;
        if (run) await this.resolve(url, run);
        return;
      }
      case "pause-webhook":
      case "resume-webhook":
        await this.setWebhook(url, action === "pause-webhook" ? "pause" : "resume");
        return;
      case "cancel": {
        const run = this.cancellables.length > 0 ? this.random.pick(this.cancellables) : undefined;
        if (run) await this.cancel(url, run);
        return;
      }
    }
  }

  #plainBody(): Record<string, unknown> {
    switch (this.random.between(0, 3)) {
      case 0:
        return { workflowId: "conformance-noop", inputs: {} };
      case 1:
        return { workflowId: "conformance-multi-node", inputs: {} };
      case 2:
        return { workflowId: "soak-chain", inputs: {} };
      default:
        return { workflowId: "conformance-delay", inputs: { delayMs: this.random.between(100, 800) } };
    }
  }

  #newKey(): IdempotentCreate {
    this.#keys += 1;
    const key = `soak-${this.cluster.kind}-${this.ledger.cycle}-${this.#keys}`;
    const body = this.random.chance(0.5)
      ? { workflowId: "conformance-idempotent", inputs: { nonce: key } }
      : { workflowId: "soak-chain", inputs: {} };
    return { key, body };
  }

  async #createPlain(url: string, body: Record<string, unknown>, kind: RunKind): Promise<void> {
    this.ledger.counters.createsSent += 1;
    let answer: Answer;
    try {
      answer = await call(url, this.cluster.apiKey, "/v1/runs", { method: "POST", body });
    } catch (error) {
      if (error instanceof NoAnswerError) {
        this.ledger.counters.createsUnanswered += 1;
        this.ledger.unansweredPlainCreates += 1;
      }
      throw error;
    }
    const runId = this.#acknowledgedRunId(answer, "POST /v1/runs");
    if (runId === undefined) return;
    const run = this.ledger.acknowledge({ runId, kind, workflowId: String(body["workflowId"]) });
    if (kind === "approval") this.approvals.push(run);
    if (kind === "cancellable") this.cancellables.push(run);
    this.#maybeFollow(runId);
  }

  async #createIdempotent(url: string, create: IdempotentCreate): Promise<void> {
    this.ledger.counters.createsSent += 1;
    this.ledger.unanswered.set(create.key, create);
    const runId = await this.createWithKey(url, create, true);
    if (runId === undefined) return;
    this.#maybeFollow(runId);
    // Half the time the client "did not hear" the answer and sends the same request again.
    if (this.random.chance(0.5)) await this.createWithKey(url, create);
  }

  /**
   * Sends a create with an Idempotency-Key and records the run it names. Every answer for
   * one key must name the same run; a key without any answer yet stays in `unanswered`.
   */
  async createWithKey(url: string, create: IdempotentCreate, first = false): Promise<string | undefined> {
    if (!first) this.ledger.counters.idempotentRetries += 1;
    let answer: Answer;
    try {
      answer = await call(url, this.cluster.apiKey, "/v1/runs", {
        method: "POST",
        body: create.body,
        headers: { "idempotency-key": create.key },
      });
    } catch (error) {
      if (first && error instanceof NoAnswerError) this.ledger.counters.createsUnanswered += 1;
      throw error;
    }
    const runId = this.#acknowledgedRunId(answer, `POST /v1/runs (key ${create.key})`);
    if (runId === undefined) return undefined;
    this.ledger.answerForKey(create.key, runId, create.body);
    this.ledger.acknowledge({
      runId,
      kind: "idempotent",
      workflowId: String(create.body["workflowId"]),
      key: create.key,
    });
    return runId;
  }

  /** Resolves an approval run's gate; true once a resolution was acknowledged or is moot. */
  async resolve(url: string, run: TrackedRun): Promise<boolean> {
    const answer = await call(url, this.cluster.apiKey, `/v1/runs/${run.runId}/interrupts/gate`, {
      method: "POST",
      body: { resumeValue: { action: "accept" } },
    });
    if (answer.status === 200) {
      run.resolved = true;
      this.ledger.counters.resolutionsAcknowledged += 1;
      remove(this.approvals, run);
      return true;
    }
    // 409 and the like: not waiting yet, or resolved by an attempt whose answer was lost.
    return false;
  }

  /** Cancels a cancellable run; true once a cancel was acknowledged. */
  async cancel(url: string, run: TrackedRun): Promise<boolean> {
    const answer = await call(url, this.cluster.apiKey, `/v1/runs/${run.runId}/cancel`, { method: "POST", body: {} });
    if (answer.status >= 200 && answer.status < 300) {
      run.cancelAcknowledged = true;
      this.ledger.counters.cancelsAcknowledged += 1;
      remove(this.cancellables, run);
      return true;
    }
    return false;
  }

  /**
   * Pauses or resumes the subscription: deliveries of a paused one wait in storage, and must
   * all arrive once it is resumed (the drain resumes it before the check).
   */
  async setWebhook(url: string, action: "pause" | "resume"): Promise<boolean> {
    if (this.webhookId === undefined) return true;
    const answer = await call(url, this.cluster.apiKey, `/v1/webhooks/${this.webhookId}/${action}`, { method: "POST" });
    if (answer.status !== 200) {
      this.ledger.violate(`POST /v1/webhooks/{id}/${action} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      return false;
    }
    if (action === "pause") this.ledger.counters.webhookPauses += 1;
    return true;
  }

  #acknowledgedRunId(answer: Answer, what: string): string | undefined {
    if (answer.status === 200 || answer.status === 201) {
      const runId = (answer.json as { runId?: unknown } | undefined)?.runId;
      if (typeof runId === "string") return runId;
      this.ledger.violate(`${what} answered ${answer.status} without a runId: ${answer.text.slice(0, 200)}`);
      return undefined;
    }
    if (answer.status === 503 || answer.status === 429) {
      this.ledger.counters.createsRefused += 1;
      return undefined;
    }
    this.ledger.violate(`${what} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    return undefined;
  }

  #maybeFollow(runId: string): void {
    if (this.random.chance(FOLLOW_SHARE))
      this.followers.push(new SseFollower(runId, () => this.cluster.url(this.random), this.cluster.apiKey));
  }
}

function remove<T>(items: T[], item: T): void {
  const index = items.indexOf(item);
  if (index >= 0) items.splice(index, 1);
}
