import { expect } from "vitest";

/**
 * Asserts that `promise` rejects with an error of the given `name` whose fields match.
 *
 * Errors are matched by `name` and fields rather than `instanceof` on purpose: an adapter
 * built against `@openwop/storage`'s `dist/` and this kit may hold two copies of the error
 * classes, and the contract is the error's identity, not the module it came from.
 */
export async function expectRejection(
  promise: Promise<unknown>,
  expected: { name: string } & Record<string, unknown>,
): Promise<Error> {
  let caught: unknown;
  let settledWithoutError = false;
  try {
    await promise;
    settledWithoutError = true;
  } catch (error) {
    caught = error;
  }
  expect(settledWithoutError, `expected a rejection with ${expected.name}, but the call resolved`).toBe(false);
  expect(caught).toBeInstanceOf(Error);
  const error = caught as Error & Record<string, unknown>;
  for (const [field, value] of Object.entries(expected)) {
    expect(error[field], `${expected.name}.${field}`).toEqual(value);
  }
  return error;
}
