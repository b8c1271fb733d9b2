/**
 * How the bench talks to its in-process workers (the ceiling and the peer): the
 * configuration travels as one JSON argument, the result comes back as one stdout line
 * `RESULT <json>`, and the worker then idles until SIGTERM so the parent can read its CPU
 * and memory counters before it exits.
 */

export const RESULT_PREFIX = "RESULT ";
export const RESULT_LINE = /^RESULT (.*)$/;
/** Printed when the warm-up is over, so the parent starts its CPU counters there. */
export const MEASURING_LINE = /^MEASURING$/;

export function announceMeasuring(): void {
  process.stdout.write("MEASURING\n");
}

export function readWorkerConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("missing worker configuration (one JSON argument)");
  return JSON.parse(raw) as T;
}

/** Prints the result line, then stays alive until the parent sends SIGTERM. */
export function reportAndIdle(result: unknown, onTerm: () => Promise<void> = async () => {}): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.once("SIGTERM", () => {
    clearInterval(keepAlive);
    // process.exit (not the default signal death) lets --cpu-prof write its profile.
    onTerm().finally(() => process.exit(0));
  });
}
