import { isDeepStrictEqual, inspect } from "node:util";
import { AssertionFailure } from "./signals.js";

/**
 * The `assert` a scenario body receives. Every call counts, pass or fail, so the runner
 * can tell a scenario that checked something from one that returned early having checked
 * nothing (recorded as `blocked`, never as `pass`).
 */
export class Assertions {
  private performed = 0;

  /** How many assertions ran. */
  get count(): number {
    return this.performed;
  }

  /**
   * Fails with `message` unless `condition` is truthy. Pass what the host answered as
   * `got` (even `undefined`) and the failure ends with `; got <value>`, so it says what
   * came back and not only what should have.
   */
  ok(condition: unknown, message: string, ...got: [observed?: unknown]): asserts condition {
    this.performed += 1;
    if (!condition) throw new AssertionFailure(got.length > 0 ? `${message}; got ${show(got[0])}` : message);
  }

  equal<T>(actual: unknown, expected: T, message: string): asserts actual is T {
    this.performed += 1;
    if (!Object.is(actual, expected)) {
      throw new AssertionFailure(`${message}: expected ${show(expected)}, got ${show(actual)}`);
    }
  }

  deepEqual(actual: unknown, expected: unknown, message: string): void {
    this.performed += 1;
    if (!isDeepStrictEqual(actual, expected)) {
      throw new AssertionFailure(`${message}: expected ${show(expected)}, got ${show(actual)}`);
    }
  }

  oneOf<T>(actual: unknown, allowed: readonly T[], message: string): asserts actual is T {
    this.performed += 1;
    if (!allowed.some((candidate) => Object.is(candidate, actual))) {
      throw new AssertionFailure(`${message}: expected one of ${show(allowed)}, got ${show(actual)}`);
    }
  }

  match(actual: unknown, pattern: RegExp, message: string): asserts actual is string {
    this.performed += 1;
    if (typeof actual !== "string" || !pattern.test(actual)) {
      throw new AssertionFailure(`${message}: expected a string matching ${pattern}, got ${show(actual)}`);
    }
  }

  isString(actual: unknown, message: string): asserts actual is string {
    this.performed += 1;
    if (typeof actual !== "string" || actual.length === 0) {
      throw new AssertionFailure(`${message}: expected a non-empty string, got ${show(actual)}`);
    }
  }

  isObject(actual: unknown, message: string): asserts actual is Record<string, unknown> {
    this.performed += 1;
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      throw new AssertionFailure(`${message}: expected a JSON object, got ${show(actual)}`);
    }
  }

  /** Fails unconditionally; for branches that are wrong by construction. */
  fail(message: string): never {
    this.performed += 1;
    throw new AssertionFailure(message);
  }
}

/** A short, single-line rendering of a value for failure messages. */
export function show(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
}
