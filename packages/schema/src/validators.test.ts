import { schemaNames } from "@openwop/types";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";
import { schemas } from "./schemas.js";

const named = {
  "api-key": api.validateApiKey,
  "api-key-list": api.validateApiKeyList,
  "auth-failure-summary": api.validateAuthFailureSummary,
  "bulk-cancel-request": api.validateBulkCancelRequest,
  "bulk-cancel-response": api.validateBulkCancelResponse,
  "cancel-run-response": api.validateCancelRunResponse,
  capabilities: api.validateCapabilities,
  "conformance-result": api.validateConformanceResult,
  "create-api-key-request": api.validateCreateApiKeyRequest,
  "create-run-request": api.validateCreateRunRequest,
  "create-run-response": api.validateCreateRunResponse,
  "create-webhook-request": api.validateCreateWebhookRequest,
  "created-webhook": api.validateCreatedWebhook,
  "dead-letter-replay-request": api.validateDeadLetterReplayRequest,
  "debug-bundle": api.validateDebugBundle,
  "error-envelope": api.validateErrorEnvelope,
  "event-feed-page": api.validateEventFeedPage,
  "interrupt-resolution": api.validateInterruptResolution,
  "interrupt-resolution-response": api.validateInterruptResolutionResponse,
  "issued-api-key": api.validateIssuedApiKey,
  "pause-run-request": api.validatePauseRunRequest,
  "pause-run-response": api.validatePauseRunResponse,
  "poll-response": api.validatePollResponse,
  "resume-run-response": api.validateResumeRunResponse,
  "rotate-api-key-request": api.validateRotateApiKeyRequest,
  "run-event": api.validateRunEvent,
  "run-list": api.validateRunList,
  "run-snapshot": api.validateRunSnapshot,
  "run-summary": api.validateRunSummary,
  "webhook-delivery": api.validateWebhookDelivery,
  "webhook-delivery-list": api.validateWebhookDeliveryList,
  "webhook-subscription": api.validateWebhookSubscription,
  "webhook-subscription-list": api.validateWebhookSubscriptionList,
  "workflow-definition": api.validateWorkflowDefinition,
} as const;

describe("named validators", () => {
  it("exist for every schema", () => {
    expect(Object.keys(named).sort()).toEqual([...schemaNames]);
  });

  it.each(Object.entries(named))("%s agrees with validate() on a document", (name, validator) => {
    // Nothing is both an error envelope and any other document, so this tells them apart.
    const envelope = { error: "not_found", message: "Run not found." };
    const expected = api.validate(name as keyof typeof named, envelope).valid;
    expect(validator(envelope).valid).toBe(expected);
    expect(expected).toBe(name === "error-envelope");
  });

  it("returns the same reference, typed, on success", () => {
    const body = { workflowId: "conformance-noop", inputs: { nonce: "n1" } };
    const result = api.validateCreateRunRequest(body);
    expect(result.valid).toBe(true);
    if (result.valid) {
      expect(result.value).toBe(body);
      expect(result.value.workflowId).toBe("conformance-noop");
    }
  });

  it("reports every problem, each at its own location", () => {
    const result = api.validateCreateRunRequest({ configurable: { recursionLimit: 0 }, tags: "x", mode: "eval" });
    expect(result.valid).toBe(false);
    if (!result.valid) {
      expect(result.errors.map((e) => e.path).sort()).toEqual([
        "/configurable/recursionLimit",
        "/mode",
        "/tags",
        "/workflowId",
      ]);
      expect(result.errors.find((e) => e.path === "/workflowId")?.keyword).toBe("required");
    }
  });

  it("rejects an unknown approval action and accepts a clarification map", () => {
    const bad = api.validateInterruptResolution({ resumeValue: { action: "maybe" } });
    expect(bad.valid).toBe(false);
    if (!bad.valid) expect(bad.errors[0]).toMatchObject({ path: "/resumeValue/action", keyword: "enum" });
    expect(api.validateInterruptResolution({ resumeValue: { answers: { q1: "blue" } } }).valid).toBe(true);
  });

  it("resolves cross-schema references (poll response -> run event)", () => {
    const result = api.validatePollResponse({
      runId: "r",
      events: [{ eventId: "e", runId: "r", type: "run.started", payload: {}, timestamp: "not a time", sequence: 0 }],
      lastEventSeq: 0,
      runStatus: "running",
      isTerminal: false,
      isComplete: false,
    });
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.map((e) => e.path)).toEqual(["/events/0/timestamp"]);
  });

  it("gives the same answer on repeated calls (no state leaks between validations)", () => {
    const bad = { error: "" };
    const first = api.validateErrorEnvelope(bad);
    const second = api.validateErrorEnvelope(bad);
    expect(second).toEqual(first);
    expect(api.validateErrorEnvelope({ error: "x", message: "y" }).valid).toBe(true);
  });
});

describe("schemas", () => {
  it("holds every document under its name, with the matching $id", () => {
    expect(Object.keys(schemas).sort()).toEqual([...schemaNames]);
    for (const name of schemaNames) {
      expect(schemas[name].$id).toBe(`https://openwop.dev/schemas/v1/${name}.schema.json`);
      expect(schemas[name].$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    }
  });

  it("cannot be changed by a caller", () => {
    const limits = (schemas.capabilities["$defs"] as Record<string, Record<string, unknown>>)["CapabilityLimits"];
    expect(Object.isFrozen(schemas)).toBe(true);
    expect(() => {
      (limits as Record<string, unknown>)["additionalProperties"] = true;
    }).toThrow(TypeError);
  });
});
