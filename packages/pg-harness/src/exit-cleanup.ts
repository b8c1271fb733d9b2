/**
 * Last-resort cleanup: a test that throws before its `afterAll`, or a process told to
 * stop, must not leave a postmaster and its temp directory behind. `pg_ctl` daemonises
 * the server, so nothing else ties its life to ours.
 */

/** Something that can stop itself without awaiting (the `exit` event runs no async code). */
export interface SyncStoppable {
  stopSync(): void;
}

const live = new Set<SyncStoppable>();
const TERMINATING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let hooksInstalled = false;

/**
 * Stops every server this process started and has not stopped yet, synchronously
 * (`pg_ctl stop -m immediate`, then the data directory is removed). Safe to call twice,
 * and safe after `stop()`.
 */
export function stopAllPostgresSync(): void {
  for (const server of [...live]) {
    live.delete(server);
    try {
      server.stopSync();
    } catch {
      // Exit-time cleanup is best effort: one failure must not keep the others running.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  stopAllPostgresSync();
  process.removeListener(signal, onSignal);
  // We only replaced the default behaviour to clean up first; when nobody else handles
  // the signal, deliver it again so the process still dies the way it was asked to.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once("exit", stopAllPostgresSync);
  for (const signal of TERMINATING_SIGNALS) process.once(signal, onSignal);
}

/** Registers a running server for exit cleanup; the returned function unregisters it. */
export function trackForExitCleanup(server: SyncStoppable): () => void {
  installHooks();
  live.add(server);
  return () => {
    live.delete(server);
  };
}
