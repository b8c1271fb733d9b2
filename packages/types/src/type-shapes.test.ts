import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  Capabilities,
  ErrorEnvelope,
  InterruptResolution,
  PollResponse,
  PortValue,
  RunEvent,
  RunStatus,
  SchemaTypeMap,
} from "./index.js";

// These checks run in the type checker (pnpm typecheck): a wrong generated type makes a
// `@ts-expect-error` unused or an assignment fail. The runtime assertions keep vitest honest.
describe("generated type shapes", () => {
  it("keep closed objects closed and open ones open", () => {
    const envelope: ErrorEnvelope = { error: "not_found", message: "Run not found." };
    // @ts-expect-error the error envelope has exactly three keys
    const extra: ErrorEnvelope = { error: "forbidden", message: "no", scopeRequired: "runs:read" };
    const capabilities: Capabilities = {
      protocolVersion: "1.0",
      supportedEnvelopes: [],
      schemaVersions: {},
      limits: { clarificationRounds: 3, schemaRounds: 2, envelopesPerTurn: 5 },
      "x-vendor": true,
    };
    expect([envelope.error, extra.error, capabilities.protocolVersion]).toEqual(["not_found", "forbidden", "1.0"]);
  });

  it("type cross-schema references by the referenced schema's type", () => {
    expectTypeOf<PollResponse["events"]>().toEqualTypeOf<RunEvent[]>();
    expectTypeOf<PollResponse["runStatus"]>().toEqualTypeOf<RunStatus>();
    expectTypeOf<SchemaTypeMap["run-event"]>().toEqualTypeOf<RunEvent>();
    // @ts-expect-error "done" is not a run status
    const status: RunStatus = "done";
    expect(status).toBe("done");
  });

  it("keep any-JSON fields as unknown rather than object", () => {
    expectTypeOf<RunEvent["payload"]>().toEqualTypeOf<unknown>();
    const event: RunEvent = { eventId: "e", runId: "r", type: "x", payload: null, timestamp: "t", sequence: 0 };
    expect(event.payload).toBeNull();
  });

  it("model port values and resume values as unions", () => {
    const port: PortValue = { type: "variable", variableName: "delayMs" };
    // @ts-expect-error a static port needs its value
    const missing: PortValue = { type: "static" };
    const resolution: InterruptResolution = { resumeValue: { action: "accept" } };
    expect([port.type, missing.type, "action" in resolution.resumeValue]).toEqual(["variable", "static", true]);
  });
});
