import pg from "pg";
import type { ClientConfig, Notification } from "pg";
import type { Unsubscribe } from "@openwop/storage";
import { DELIVERIES_CHANNEL, EVENTS_CHANNEL, parseEventsPayload, WORK_CHANNEL } from "./channels.js";

/**
 * Fans Postgres notifications out to this process's watchers over ONE dedicated
 * connection (outside the pool: a LISTEN must stay on the session that issued it, and a
 * pooled client would be handed to someone else).
 *
 * Notifications sent while the connection is down are lost for good, so after every
 * (re)connection the hub tells every current watcher to look again: event watchers get
 * their run's current last sequence (read from the database), work, delivery and feed
 * watchers are woken. Watchers only ever re-read storage, so a spurious wake-up costs a
 * read, never data.
 *
 * Feed watchers hear of every append (the `openwop_events` channel). An event can become
 * readable in the feed after its notification, once an older transaction has ended (see
 * feed.ts); {@link NotificationHub.feedHeldBack} wakes them again for that.
 */

export interface NotificationHubOptions {
  /** Connection settings for the dedicated listening connection. */
  client: ClientConfig;
  /** Reads the current last sequence of runs, to catch watchers up after a reconnection. */
  lastSequences: (runIds: readonly string[]) => Promise<Map<string, number>>;
  /** Receives failures of the listening connection that the hub recovers from by itself. */
  onBackgroundError: (error: Error) => void;
  /** First reconnection delay; doubles up to {@link maxBackoffMs}. Default 50 ms. */
  minBackoffMs?: number;
  /** Default 5 s. */
  maxBackoffMs?: number;
}

type EventsListener = (lastSequence: number) => void;
type WorkListener = () => void;

/** How soon feed watchers are woken again after a read found events held back by an open transaction. */
const FEED_RETRY_MS = 25;

/** Calls a watcher, keeping one throwing watcher from starving the others. */
function safely(call: () => void, onError: (error: Error) => void): void {
  try {
    call();
  } catch (error) {
    onError(error instanceof Error ? error : new Error(String(error)));
  }
}

export class NotificationHub {
  readonly #options: NotificationHubOptions;
  readonly #eventWatchers = new Map<string, Set<EventsListener>>();
  /**
   * The highest sequence announced to a run's watchers, kept while it has any. Our own
   * commits are announced twice, locally at once and again when their NOTIFY comes back
   * over the listening connection; the echo (or any announcement at or below this mark)
   * would only make every watcher read again to find nothing new. A watcher that joins
   * later reads the log after joining, so it has everything up to the mark already.
   */
  readonly #announced = new Map<string, number>();
  readonly #workWatchers = new Set<WorkListener>();
  readonly #deliveryWatchers = new Set<WorkListener>();
  readonly #feedWatchers = new Set<WorkListener>();
  #feedRetry: NodeJS.Timeout | null = null;
  #client: pg.Client | null = null;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #backoffMs: number;
  /** Resolves when the current connection attempt settles; lets close() wait for it. */
  #connecting: Promise<void> | null = null;
  #connectedOnce = false;

  constructor(options: NotificationHubOptions) {
    this.#options = options;
    this.#backoffMs = options.minBackoffMs ?? 50;
  }

  /** Connects and LISTENs; rejects if the first connection fails (the adapter then fails to open). */
  async start(): Promise<void> {
    this.#connecting = this.#connect();
    await this.#connecting;
  }

  /** Whether the listening connection is up right now (for tests and health reports). */
  get listening(): boolean {
    return this.#client !== null;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#options.client);
    client.on("notification", (message) => this.#dispatch(message));
    // Both fire when the backend is terminated or the network drops; either schedules
    // one reconnection (the guard in #lost makes the second a no-op).
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, new Error("listener connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}; LISTEN ${WORK_CHANNEL}; LISTEN ${DELIVERIES_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners("end");
      client.on("error", () => {});
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#backoffMs = this.#options.minBackoffMs ?? 50;
    if (this.#connectedOnce) await this.#catchUpWatchers();
    this.#connectedOnce = true;
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.removeAllListeners("notification");
    client.on("error", () => {});
    void client.end().catch(() => {});
    if (this.#closed) return;
    this.#options.onBackgroundError(error);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 5_000);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connecting = this.#connect().catch((error: unknown) => {
        this.#options.onBackgroundError(error instanceof Error ? error : new Error(String(error)));
        this.#scheduleReconnect();
      });
    }, delay);
    // A reconnection loop must not keep a process alive that has nothing else to do.
    this.#reconnectTimer.unref();
  }

  /** After a gap in listening, every watcher may have missed notifications: wake them all. */
  async #catchUpWatchers(): Promise<void> {
    for (const listener of [...this.#workWatchers]) safely(listener, this.#options.onBackgroundError);
    this.notifyDeliveries();
    this.notifyFeed();
    const runIds = [...this.#eventWatchers.keys()];
    if (runIds.length === 0) return;
    let sequences: Map<string, number>;
    try {
      sequences = await this.#options.lastSequences(runIds);
    } catch (error) {
      // Without the sequences the watchers cannot be told what to read; drop this
      // connection and let the next one try again rather than leave them stranded.
      this.#options.onBackgroundError(error instanceof Error ? error : new Error(String(error)));
      const client = this.#client;
      if (client) this.#lost(client, new Error("could not catch watchers up after reconnecting"));
      return;
    }
    for (const [runId, lastSequence] of sequences) this.notifyEvents(runId, lastSequence);
  }

  #dispatch(message: Notification): void {
    if (message.channel === WORK_CHANNEL) {
      this.notifyWork();
    } else if (message.channel === DELIVERIES_CHANNEL) {
      this.notifyDeliveries();
    } else if (message.channel === EVENTS_CHANNEL) {
      this.notifyFeed();
      const parsed = message.payload ? parseEventsPayload(message.payload) : null;
      if (parsed) this.notifyEvents(parsed.runId, parsed.lastSequence);
    }
  }

  /** Tells this process's watchers of `runId` about a commit (also used for our own commits, without the round trip). */
  notifyEvents(runId: string, lastSequence: number): void {
    const listeners = this.#eventWatchers.get(runId);
    if (!listeners) return;
    const announced = this.#announced.get(runId);
    if (announced !== undefined && lastSequence <= announced) return;
    this.#announced.set(runId, lastSequence);
    for (const listener of [...listeners]) safely(() => listener(lastSequence), this.#options.onBackgroundError);
  }

  notifyWork(): void {
    for (const listener of [...this.#workWatchers]) safely(listener, this.#options.onBackgroundError);
  }

  notifyDeliveries(): void {
    for (const listener of [...this.#deliveryWatchers]) safely(listener, this.#options.onBackgroundError);
  }

  notifyFeed(): void {
    for (const listener of [...this.#feedWatchers]) safely(listener, this.#options.onBackgroundError);
  }

  /**
   * A feed read found committed events held back behind a transaction still open: wake the
   * feed watchers again shortly (once per interval however many reads found it), so they
   * read again after that transaction ends even if its commit notifies nobody.
   */
  feedHeldBack(): void {
    if (this.#closed || this.#feedRetry || this.#feedWatchers.size === 0) return;
    this.#feedRetry = setTimeout(() => {
      this.#feedRetry = null;
      this.notifyFeed();
    }, FEED_RETRY_MS);
    this.#feedRetry.unref();
  }

  /** Whether anyone in this process watches the run's events. */
  hasEventWatchers(runId: string): boolean {
    return this.#eventWatchers.has(runId);
  }

  watchEvents(runId: string, listener: EventsListener): Unsubscribe {
    if (this.#closed) return () => {};
    // A wrapper per call, so the same function watching twice is unsubscribed once per call.
    const entry: EventsListener = (lastSequence) => listener(lastSequence);
    let listeners = this.#eventWatchers.get(runId);
    if (!listeners) {
      listeners = new Set();
      this.#eventWatchers.set(runId, listeners);
    }
    listeners.add(entry);
    return () => {
      const current = this.#eventWatchers.get(runId);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) {
        this.#eventWatchers.delete(runId);
        this.#announced.delete(runId);
      }
    };
  }

  watchWork(listener: WorkListener): Unsubscribe {
    return this.#watch(this.#workWatchers, listener);
  }

  watchDeliveries(listener: WorkListener): Unsubscribe {
    return this.#watch(this.#deliveryWatchers, listener);
  }

  watchFeed(listener: WorkListener): Unsubscribe {
    return this.#watch(this.#feedWatchers, listener);
  }

  #watch(watchers: Set<WorkListener>, listener: WorkListener): Unsubscribe {
    if (this.#closed) return () => {};
    const entry: WorkListener = () => listener();
    watchers.add(entry);
    return () => {
      watchers.delete(entry);
    };
  }

  /** Ends the listening connection (waiting for a connection attempt in flight) and forgets every watcher. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    if (this.#feedRetry) clearTimeout(this.#feedRetry);
    this.#feedRetry = null;
    this.#eventWatchers.clear();
    this.#announced.clear();
    this.#workWatchers.clear();
    this.#deliveryWatchers.clear();
    this.#feedWatchers.clear();
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.removeAllListeners("end");
      client.on("error", () => {});
      await client.end().catch(() => {});
    }
  }
}
