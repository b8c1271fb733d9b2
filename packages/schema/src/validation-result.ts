/** One reason a document failed validation. */
export interface ValidationIssue {
  /**
   * JSON Pointer (RFC 6901) to the offending location in the validated document; `""` is
   * the document itself. A missing property is pointed at where it should be
   * (`/workflowId`), and a property that is not allowed at the property itself.
   */
  path: string;
  /** Human-readable explanation. Never contains values from the document. */
  message: string;
  /** The JSON Schema keyword that failed, e.g. `required`, `enum`, `maximum`. */
  keyword: string;
}

/**
 * Outcome of validating an untrusted value. On success `value` is the same reference that
 * was passed in, now typed; on failure every issue found is listed, not just the first.
 */
export type ValidationResult<T> = { valid: true; value: T } | { valid: false; errors: ValidationIssue[] };

/** Validates an untrusted value against one schema. */
export type Validator<T> = (value: unknown) => ValidationResult<T>;
