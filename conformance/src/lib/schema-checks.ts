import type { Assertions } from "../runner/assertions.js";

/** The result shape every `@openwop/schema` validator returns. */
type ValidationOutcome =
  | { readonly valid: true }
  | { readonly valid: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

/** Asserts `value` passes `validate`, naming the first few schema errors when it does not. */
export function assertSchemaValid(
  assert: Assertions,
  validate: (value: unknown) => ValidationOutcome,
  value: unknown,
  label: string,
): void {
  const outcome = validate(value);
  const detail = outcome.valid
    ? ""
    : outcome.errors
        .slice(0, 5)
        .map((error) => `${error.path || "/"} ${error.message}`)
        .join("; ");
  assert.ok(outcome.valid, `${label} does not validate against its schema: ${detail}`);
}
