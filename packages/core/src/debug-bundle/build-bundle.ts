import type { RunEvent, RunRecord, StorageAdapter } from "@openwop/storage";
import { isTerminalEventType, isTerminalStatus } from "@openwop/types";
import type { DebugBundle, DebugBundleHost, DebugBundleRun, RunSnapshot } from "@openwop/types";
import { toRunSnapshot } from "../run/snapshot.js";
import { fitEvents, type TruncationReason } from "./fit-events.js";
import type { RedactionPolicy } from "./redact.js";
import { RunRedaction } from "./run-redaction.js";

const PAGE_SIZE = 500;

export interface DebugBundleRequest {
  /** The run, already read for the caller's tenant: the bundle never reads another run. */
  run: RunRecord;
  store: Pick<StorageAdapter, "readEvents" | "latestEvent">;
  /** The discovery document's `implementation`. */
  host: DebugBundleHost;
  /** Largest serialized bundle, in bytes of UTF-8 JSON. */
  maxBytes: number;
  /** The request's `maxEvents` (a positive integer), if any. */
  maxEvents?: number;
  redaction?: RedactionPolicy;
  now?: () => number;
}

export interface BuiltDebugBundle {
  bundle: DebugBundle;
  /** `bundle` serialized: the exact text whose size was held to the cap. */
  json: string;
}

/** The redacted prefix of the log that could still fit, each event's serialized size beside it. */
interface ReadPrefix {
  events: RunEvent[];
  bytes: number[];
  /** Events in the log as of the run record that was read. */
  logLength: number;
}

/**
 * Reads the log in pages up to the run record's last sequence — so the events agree with the
 * `run` member even while the run is still appending — and stops early once more events could
 * not be kept anyway, so a huge log costs no more memory than the cap.
 */
async function readPrefix(request: DebugBundleRequest, redaction: RunRedaction, limit: number): Promise<ReadPrefix> {
  const { run, store, maxBytes } = request;
  const events: RunEvent[] = [];
  const bytes: number[] = [];
  let logLength = run.lastSequence + 1;
  let eventsBytes = 0;
  let from = 0;
  while (events.length < limit && from < logLength) {
    const page = await store.readEvents(run.runId, {
      tenantId: run.tenantId,
      fromSequence: from,
      limit: Math.min(PAGE_SIZE, limit - events.length),
    });
    if (page.length === 0) {
      // The log is shorter than the record claims; report what exists rather than invent events.
      logLength = from;
      break;
    }
    for (const raw of page) {
      if (raw.sequence >= logLength) break;
      const event = redaction.event(raw);
      const size = Buffer.byteLength(JSON.stringify(event), "utf8");
      events.push(event);
      bytes.push(size);
      eventsBytes += size + 1;
      if (eventsBytes > maxBytes) return { events, bytes, logLength };
    }
    from = (page.at(-1) as RunEvent).sequence + 1;
  }
  return { events, bytes, logLength };
}

/** When the run ended: the time of its terminal event (debug-bundle.md §3.2). */
async function endedAtOf(request: DebugBundleRequest): Promise<string | undefined> {
  const { run, store } = request;
  if (!isTerminalStatus(run.status)) return undefined;
  const last = await store.latestEvent(run.runId);
  if (last && isTerminalEventType(last.type)) return last.timestamp;
  return run.completedAt ?? undefined;
}

/**
 * The `run` member: identity, status and times as the run snapshot states them, with only the
 * members the bundle schema allows; inputs, variables and error redacted.
 */
function runMember(run: RunRecord, redaction: RunRedaction, endedAt: string | undefined): DebugBundleRun {
  const snapshot = toRunSnapshot(run) as unknown as RunSnapshot;
  return {
    runId: snapshot.runId,
    workflowId: snapshot.workflowId,
    status: snapshot.status,
    ...(snapshot.startedAt ? { startedAt: snapshot.startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(run.error ? { error: redaction.error(run.error) } : {}),
    // The snapshot copies these from the record; the record's JSON types are what redaction walks.
    inputs: redaction.object(run.inputs),
    variables: redaction.object(run.variables),
  };
}

/**
 * Builds the debug bundle of one run (debug-bundle.md): the redacted run, the longest prefix of
 * its redacted log that both the size cap and `maxEvents` allow, and truncation metadata that
 * says which limit cut it. Redaction always applies (`mask`), so `redactionApplied` is true.
 * Spans are empty: this toolkit does not record them per run yet.
 */
export async function buildDebugBundle(request: DebugBundleRequest): Promise<BuiltDebugBundle> {
  const { run, maxBytes } = request;
  const redaction = new RunRedaction(run, request.redaction);
  const generatedAt = new Date((request.now ?? Date.now)()).toISOString();
  const host: DebugBundleHost = {
    name: request.host.name,
    version: request.host.version,
    ...(request.host.vendor ? { vendor: request.host.vendor } : {}),
  };
  const runPart = runMember(run, redaction, await endedAtOf(request));

  const assemble = (events: RunEvent[], nodeCount: number, reason: TruncationReason | undefined): DebugBundle => ({
    bundleVersion: "1",
    generatedAt,
    host,
    run: runPart,
    events,
    spans: [],
    metrics: { eventCount: events.length, nodeCount, openwopCost: null },
    redactionApplied: true,
    redactionMode: "mask",
    ...(reason ? { truncated: true, truncatedReason: reason } : { truncated: false }),
  });

  const prefix = await readPrefix(request, redaction, request.maxEvents ?? Number.POSITIVE_INFINITY);
  const nodeCounts = [0];
  const nodes = new Set<string>();
  for (const event of prefix.events) {
    if (event.nodeId !== undefined) nodes.add(event.nodeId);
    nodeCounts.push(nodes.size);
  }
  const skeletons = new Map<TruncationReason | undefined, number>();
  const fit = fitEvents({
    skeletonBytes: (reason) => {
      let bytes = skeletons.get(reason);
      if (bytes === undefined) {
        bytes = Buffer.byteLength(JSON.stringify(assemble([], 0, reason)), "utf8");
        skeletons.set(reason, bytes);
      }
      return bytes;
    },
    eventBytes: prefix.bytes,
    nodeCounts,
    logLength: prefix.logLength,
    ...(request.maxEvents === undefined ? {} : { maxEvents: request.maxEvents }),
    maxBytes,
  });
  const bundle = assemble(prefix.events.slice(0, fit.count), nodeCounts[fit.count] ?? 0, fit.reason);
  return { bundle, json: JSON.stringify(bundle) };
}
