/**
 * The invariants, as pure functions over what the hosts answered, so each can be tested on
 * hand-made logs (a lost run, a gap, a second start) without killing anything. Each returns
 * the violations it found, as sentences; an empty list means the invariant held.
 */

export interface LoggedEvent {
  sequence: number;
  type: string;
  nodeId?: string;
  /** When the host wrote it; not an invariant, used to tell which runs were in flight at a kill. */
  timestamp?: string;
}

export const TERMINAL_EVENT_TYPES: readonly string[] = ["run.completed", "run.failed", "run.cancelled"];

/** What reading one acknowledged run's log produced: its events, or the status that refused them. */
export type LogRead = { found: true; events: LoggedEvent[] } | { found: false; status: number };

/**
 * One acknowledged run's log: it exists, its sequences are 0, 1, 2, … without a gap, exactly
 * one terminal event ends it (the one `expectedTerminal` names), and no node started or
 * completed twice.
 */
export function checkRunLog(runId: string, read: LogRead, expectedTerminal: string): string[] {
  if (!read.found) return [`acknowledged run ${runId} is lost: reading its log answered ${read.status}`];
  const { events } = read;
  const violations: string[] = [];
  if (events.length === 0) return [`acknowledged run ${runId} has an empty log`];
  const gap = events.findIndex((event, index) => event.sequence !== index);
  if (gap >= 0)
    violations.push(
      `run ${runId}: log not gapless, position ${gap} holds sequence ${events[gap]?.sequence} (${events
        .map((e) => e.sequence)
        .join(",")})`,
    );
  const terminal = events.filter((event) => TERMINAL_EVENT_TYPES.includes(event.type));
  if (terminal.length !== 1)
    violations.push(`run ${runId}: ${terminal.length} terminal events (${terminal.map((e) => e.type).join(", ")})`);
  const last = events.at(-1);
  if (last && !TERMINAL_EVENT_TYPES.includes(last.type))
    violations.push(`run ${runId}: the last event is ${last.type}, not a terminal event`);
  if (terminal.length === 1 && terminal[0]?.type !== expectedTerminal)
    violations.push(`run ${runId}: ended with ${terminal[0]?.type}, expected ${expectedTerminal}`);
  for (const type of ["node.started", "node.completed"]) {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type !== type) continue;
      const node = event.nodeId ?? "?";
      if (seen.has(node))
        violations.push(`run ${runId}: node ${node} has a second ${type} at sequence ${event.sequence}`);
      seen.add(node);
    }
  }
  return violations;
}

/** A run verified in an earlier cycle must read the same now: nothing lost, nothing appended. */
export function checkUnchanged(
  runId: string,
  before: { events: number; terminalType: string },
  read: LogRead,
): string[] {
  if (!read.found) return [`acknowledged run ${runId}, verified earlier, is lost: reading it answered ${read.status}`];
  const last = read.events.at(-1)?.type ?? "nothing";
  if (read.events.length !== before.events || last !== before.terminalType)
    return [
      `run ${runId} changed after it ended: ${before.events} events ending ${before.terminalType}, now ${read.events.length} ending ${last}`,
    ];
  return [];
}

/** An SSE follower must have seen the whole log, in order, ending with its terminal event. */
export function checkFollowed(
  runId: string,
  frames: ReadonlyArray<{ sequence: number; type: string }>,
  finished: boolean,
  log: readonly LoggedEvent[],
): string[] {
  if (!finished) return [`SSE follower of run ${runId} never saw a terminal event (${frames.length} frames)`];
  const got = frames.map((f) => `${f.sequence}:${f.type}`).join(" ");
  const want = log.map((e) => `${e.sequence}:${e.type}`).join(" ");
  return got === want ? [] : [`SSE follower of run ${runId} saw [${got}], the log holds [${want}]`];
}

/**
 * The store as a whole: every acknowledged run is in it, and beyond those it holds at most
 * the runs of creates whose answer never arrived. More would mean a retry created a second run.
 */
export function checkStoredCount(stored: number, acknowledged: number, unansweredCreates: number): string[] {
  if (stored < acknowledged) return [`storage holds ${stored} runs, fewer than the ${acknowledged} acknowledged`];
  if (stored > acknowledged + unansweredCreates)
    return [
      `storage holds ${stored} runs: more than the ${acknowledged} acknowledged plus ${unansweredCreates} creates that got no answer`,
    ];
  return [];
}

/** Every event of a subscribed type in an acknowledged log arrived at the receiver at least once. */
export function checkDelivered(expected: readonly string[], delivered: ReadonlySet<string>): string[] {
  const missing = expected.filter((key) => !delivered.has(key));
  if (missing.length === 0) return [];
  return [`${missing.length} webhook deliveries never arrived (run:sequence ${missing.slice(0, 10).join(", ")})`];
}
