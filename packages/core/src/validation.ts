import type { Validator } from "@openwop/schema";
import { validationError } from "./errors.js";

const fieldOf = (pointer: string): string => pointer.replace(/^\//, "").replaceAll("/", ".");

/**
 * The body, typed, when it validates against the schema; otherwise the 400 that names the
 * first problem in its message and `details.field`, and lists every problem in
 * `details.errors`.
 */
export function checkedBody<T>(validate: Validator<T>, body: unknown, what: string, fallbackField = ""): T {
  const checked = validate(body);
  if (checked.valid) return checked.value;
  const first = checked.errors[0];
  throw validationError(`${what} is invalid: ${first ? `${first.path || "/"} ${first.message}` : "unknown problem"}`, {
    field: first ? fieldOf(first.path) : fallbackField,
    errors: checked.errors.map((e) => ({ path: e.path, message: e.message })),
  });
}
