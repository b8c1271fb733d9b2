/**
 * The OpenWOP v1 wire vocabulary: one declaration of every shape and code a host and its
 * clients exchange.
 *
 * `generated/` holds the types and enum lists `scripts/generate.mjs` derives from the JSON
 * Schemas in `schemas/` (change a schema and run `pnpm generate`, never edit them). Beside
 * them, two hand-written modules hold the facts the schemas cannot express: which statuses
 * and event types are terminal, and the error-code catalog of spec/v1/core.md §13.4.
 */
export * from "./generated/index.js";
export * from "./run-vocabulary.js";
export * from "./error-catalog.js";
