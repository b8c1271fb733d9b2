import { describe, expect, it } from "vitest";
import { Assertions } from "./assertions.js";
import { AssertionFailure } from "./signals.js";

/** The message `body` fails with, or undefined when it does not throw. */
function failureOf(body: (assert: Assertions) => void): string | undefined {
  try {
    body(new Assertions());
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionFailure);
    return (error as AssertionFailure).message;
  }
  return undefined;
}

describe("Assertions.ok", () => {
  it("fails with exactly the label it was given when no observed value is passed", () => {
    expect(failureOf((assert) => assert.ok(false, "§12: GET /v1/runs/{runId}: must be failed"))).toBe(
      "§12: GET /v1/runs/{runId}: must be failed",
    );
  });

  it("appends what came back when an observed value is passed, even undefined", () => {
    const order = ["2 run.failed", "3 node.failed"];
    expect(
      failureOf((assert) =>
        assert.ok(false, "§9.8: GET /v1/runs/{runId}/events/poll: node.failed must come before run.failed", order),
      ),
    ).toBe(
      "§9.8: GET /v1/runs/{runId}/events/poll: node.failed must come before run.failed; got [ '2 run.failed', '3 node.failed' ]",
    );
    expect(failureOf((assert) => assert.ok(false, "error.message", undefined))).toBe("error.message; got undefined");
    expect(failureOf((assert) => assert.ok(0, "count", { n: 0 }))).toBe("count; got { n: 0 }");
  });

  it("passes silently on a truthy condition and counts every call, pass or fail", () => {
    const assert: Assertions = new Assertions();
    assert.ok(true, "x", "ignored");
    assert.ok(1, "y");
    expect(() => assert.ok("", "z", "")).toThrow("z; got ''");
    expect(assert.count).toBe(3);
  });
});
