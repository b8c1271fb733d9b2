// generated — do not edit; run pnpm generate
// Source: schemas/*.schema.json (packages/types/scripts/generate.mjs).

export type * from "./capabilities.js";
export type * from "./conformance-result.js";
export type * from "./create-run-request.js";
export type * from "./create-run-response.js";
export type * from "./debug-bundle.js";
export type * from "./error-envelope.js";
export type * from "./interrupt-resolution.js";
export type * from "./poll-response.js";
export type * from "./run-event.js";
export type * from "./run-snapshot.js";
export type * from "./workflow-definition.js";

import type { Capabilities } from "./capabilities.js";
import type { ConformanceResult } from "./conformance-result.js";
import type { CreateRunRequest } from "./create-run-request.js";
import type { CreateRunResponse } from "./create-run-response.js";
import type { DebugBundle } from "./debug-bundle.js";
import type { ErrorEnvelope } from "./error-envelope.js";
import type { InterruptResolution } from "./interrupt-resolution.js";
import type { PollResponse } from "./poll-response.js";
import type { RunEvent } from "./run-event.js";
import type { RunSnapshot } from "./run-snapshot.js";
import type { WorkflowDefinition } from "./workflow-definition.js";

/** Every schema in `schemas/`, by file name without `.schema.json`, sorted. */
export const schemaNames = [
  "capabilities",
  "conformance-result",
  "create-run-request",
  "create-run-response",
  "debug-bundle",
  "error-envelope",
  "interrupt-resolution",
  "poll-response",
  "run-event",
  "run-snapshot",
  "workflow-definition",
] as const;

/** The name of one schema in `schemas/`. */
export type SchemaName = (typeof schemaNames)[number];

/** The type a document has once it validates against the schema of that name. */
export interface SchemaTypeMap {
  "capabilities": Capabilities;
  "conformance-result": ConformanceResult;
  "create-run-request": CreateRunRequest;
  "create-run-response": CreateRunResponse;
  "debug-bundle": DebugBundle;
  "error-envelope": ErrorEnvelope;
  "interrupt-resolution": InterruptResolution;
  "poll-response": PollResponse;
  "run-event": RunEvent;
  "run-snapshot": RunSnapshot;
  "workflow-definition": WorkflowDefinition;
}
