import { createClient, type OpenWopClient } from "@openwop/client";
import type { Capabilities } from "@openwop/types";
import { Assertions } from "./assertions.js";
import type { Scenario, ScenarioContext, ScenarioRun, SuiteOptions } from "./scenario.js";
import { AssertionFailure, ScenarioBlocked, ScenarioInapplicable, ScenarioSkip } from "./signals.js";

const DEFAULT_SCENARIO_TIMEOUT_MS = 60_000;

/**
 * Runs one scenario: gate, prerequisites, body under a time bound, deferred cleanup, and
 * classification. A body that throws anything but a skip, inapplicable or blocked signal
 * fails; a body that returns having asserted nothing of its own is `blocked`, because silence
 * is not evidence, and neither are the checks helpers make while setting up its preconditions.
 */
export async function runScenario(
  scenario: Scenario,
  discovery: Capabilities,
  options: SuiteOptions,
): Promise<ScenarioRun> {
  const started = performance.now();
  const finish = (fields: Omit<ScenarioRun, "scenario" | "durationMs">): ScenarioRun => ({
    scenario,
    durationMs: Math.round(performance.now() - started),
    ...fields,
  });

  const decision = scenario.gate(discovery);
  if (!decision.run) {
    return decision.outcome === "skip"
      ? finish({ outcome: "skip", assertions: 0, message: decision.reason, advertised: decision.advertised })
      : finish({ outcome: "inapplicable", assertions: 0, message: decision.reason });
  }
  if (scenario.requires === "host-manifest" && options.hostManifest === undefined) {
    // The gate passed, so the capability is advertised: this is untested advertised behaviour.
    return finish({
      outcome: "skip",
      assertions: 0,
      message: "needs --host-manifest to start and kill host processes",
      advertised: true,
    });
  }

  const assert = new Assertions();
  const setupAssert = new Assertions();
  const notes: string[] = [];
  const cleanups: Array<() => unknown> = [];
  const controller = new AbortController();
  const timeoutMs = (scenario.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS) * options.timeoutScale;
  const clients = new Map<string, OpenWopClient>();
  const clientWithKey = (apiKey: string | undefined): OpenWopClient => {
    const cacheKey = apiKey ?? "";
    let client = clients.get(cacheKey);
    if (client === undefined) {
      client = createClient({
        baseUrl: options.baseUrl,
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        timeoutMs: 20_000 * options.timeoutScale,
      });
      clients.set(cacheKey, client);
    }
    return client;
  };
  const context: ScenarioContext = {
    client: clientWithKey(options.apiKey),
    discovery,
    assert,
    setupAssert,
    options,
    signal: controller.signal,
    clientWithKey,
    scaled: (ms) => ms * options.timeoutScale,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    defer: (cleanup) => void cleanups.push(cleanup),
    skip: (reason, advertised) => {
      throw new ScenarioSkip(reason, advertised);
    },
    inapplicable: (reason) => {
      throw new ScenarioInapplicable(reason);
    },
    blocked: (reason) => {
      throw new ScenarioBlocked(reason);
    },
    note: (text) => void notes.push(text),
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new AssertionFailure(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  let run: ScenarioRun;
  try {
    await Promise.race([scenario.run(context), timedOut]);
    run =
      assert.count === 0
        ? finish({
            outcome: "blocked",
            assertions: 0,
            message: joinMessage(
              setupAssert.count === 0
                ? "ran to the end without asserting anything"
                : `ran to the end without asserting anything of its own (only ${setupAssert.count} setup checks)`,
              notes,
            ),
          })
        : finish({ outcome: "pass", assertions: assert.count, ...optionalMessage(notes) });
  } catch (error) {
    run = classify(error, assert.count, notes, finish);
  } finally {
    clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort();
  }
  for (const cleanup of cleanups.reverse()) {
    // Cleanup is best effort: a host that cannot cancel a run must not turn a pass into a crash.
    await Promise.resolve()
      .then(cleanup)
      .catch(() => undefined);
  }
  return run;
}

function classify(
  error: unknown,
  assertions: number,
  notes: readonly string[],
  finish: (fields: Omit<ScenarioRun, "scenario" | "durationMs">) => ScenarioRun,
): ScenarioRun {
  if (error instanceof ScenarioSkip) {
    return finish({
      outcome: "skip",
      assertions,
      message: joinMessage(error.message, notes),
      advertised: error.advertised,
    });
  }
  if (error instanceof ScenarioBlocked)
    return finish({ outcome: "blocked", assertions, message: joinMessage(error.message, notes) });
  if (error instanceof ScenarioInapplicable)
    return finish({ outcome: "inapplicable", assertions, message: joinMessage(error.message, notes) });
  if (error instanceof AssertionFailure) return finish({ outcome: "fail", assertions, message: error.message });
  // Anything else (an unexpected WireError, a timeout, a bug) is a failure the report must name.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return finish({ outcome: "fail", assertions, message: `unexpected ${text}` });
}

function joinMessage(head: string, notes: readonly string[]): string {
  return notes.length === 0 ? head : `${head} (${notes.join("; ")})`;
}

function optionalMessage(notes: readonly string[]): { message?: string } {
  return notes.length === 0 ? {} : { message: notes.join("; ") };
}
