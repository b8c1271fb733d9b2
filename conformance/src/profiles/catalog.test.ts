import type { Capabilities } from "@openwop/types";
import { describe, expect, it } from "vitest";
import { PROFILES } from "./catalog.js";

const base: Capabilities = {
  protocolVersion: "1.0",
  supportedEnvelopes: [],
  schemaVersions: {},
  limits: { clarificationRounds: 3, schemaRounds: 2, envelopesPerTurn: 5 },
};
const keys = {
  supported: true,
  defaultGraceSeconds: 86_400,
  maxGraceSeconds: 2_592_000,
  revocationPropagationSeconds: 1,
};
const rotation = PROFILES.find((profile) => profile.id === "openwop-auth-api-key-rotation");

describe("openwop-auth-api-key-rotation (spec/v1/profiles.md §3.9)", () => {
  it("holds for a well-formed keys block and names it", () => {
    expect(rotation?.predicate({ ...base, keys })).toMatchObject({ holds: true });
    expect(
      rotation?.predicate({
        ...base,
        keys: { ...keys, defaultGraceSeconds: 0, maxGraceSeconds: 60, revocationPropagationSeconds: 0 },
      }),
    ).toMatchObject({ holds: true });
    expect(
      rotation?.predicate({
        ...base,
        keys: { ...keys, defaultGraceSeconds: 60, maxGraceSeconds: 60, revocationPropagationSeconds: 60 },
      }),
    ).toMatchObject({ holds: true });
  });

  it("fails on each clause, naming the member", () => {
    const cases: Array<[Record<string, unknown> | undefined, RegExp]> = [
      [undefined, /keys is not an object/],
      [{ ...keys, supported: false }, /keys\.supported/],
      [{ ...keys, maxGraceSeconds: 59 }, /maxGraceSeconds/],
      [{ ...keys, maxGraceSeconds: 60.5 }, /maxGraceSeconds/],
      [{ ...keys, defaultGraceSeconds: -1 }, /defaultGraceSeconds is not/],
      [{ ...keys, defaultGraceSeconds: 100, maxGraceSeconds: 60 }, /exceeds/],
      [{ ...keys, revocationPropagationSeconds: 61 }, /revocationPropagationSeconds/],
      [{ ...keys, revocationPropagationSeconds: -1 }, /revocationPropagationSeconds/],
      [{ ...keys, revocationPropagationSeconds: 0.5 }, /revocationPropagationSeconds/],
    ];
    for (const [block, reason] of cases) {
      const document = (block === undefined ? base : { ...base, keys: block }) as Capabilities;
      const result = rotation?.predicate(document);
      expect(result?.holds, JSON.stringify(block)).toBe(false);
      expect(result?.reason).toMatch(reason);
    }
  });

  it("includes openwop-core", () => {
    expect(rotation?.predicate({ ...base, protocolVersion: "2.0", keys })).toMatchObject({ holds: false });
  });
});

const webhooks = { supported: true, signatureAlgorithms: ["v1"], durable: false };
const durable = { ...webhooks, durable: true, maxAttempts: 4, retryBaseMs: 100, maxRetryDelayMs: 60_000 };
const plain = PROFILES.find((profile) => profile.id === "openwop-webhooks");
const durableProfile = PROFILES.find((profile) => profile.id === "openwop-webhooks-durable");

describe("openwop-webhooks (spec/v1/profiles.md §3.10)", () => {
  it("holds for a webhooks block with v1 among its algorithms, durable or not", () => {
    expect(plain?.predicate({ ...base, webhooks })).toMatchObject({ holds: true });
    expect(
      plain?.predicate({ ...base, webhooks: { supported: true, signatureAlgorithms: ["standard-webhooks", "v1"] } }),
    ).toMatchObject({ holds: true });
    expect(plain?.predicate({ ...base, webhooks: durable })).toMatchObject({ holds: true });
  });

  it("fails on each clause, naming the member", () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /webhooks is not an object/],
      [[webhooks], /webhooks is not an object/],
      [{ ...webhooks, supported: false }, /webhooks\.supported/],
      [{ ...webhooks, supported: "true" }, /webhooks\.supported/],
      [{ supported: true }, /signatureAlgorithms is not an array/],
      [{ ...webhooks, signatureAlgorithms: "v1" }, /signatureAlgorithms is not an array/],
      [{ ...webhooks, signatureAlgorithms: ["standard-webhooks"] }, /lacks v1/],
      [{ ...webhooks, signatureAlgorithms: [] }, /lacks v1/],
    ];
    for (const [block, reason] of cases) {
      const document = (block === undefined ? base : { ...base, webhooks: block }) as Capabilities;
      const result = plain?.predicate(document);
      expect(result?.holds, JSON.stringify(block)).toBe(false);
      expect(result?.reason).toMatch(reason);
    }
  });

  it("includes openwop-core", () => {
    expect(plain?.predicate({ ...base, protocolVersion: "2.0", webhooks })).toMatchObject({ holds: false });
  });
});

describe("openwop-webhooks-durable (spec/v1/profiles.md §3.11)", () => {
  it("holds for a durable block with an integer maxAttempts ≥ 1", () => {
    expect(durableProfile?.predicate({ ...base, webhooks: durable })).toMatchObject({ holds: true });
    expect(
      durableProfile?.predicate({ ...base, webhooks: { ...webhooks, durable: true, maxAttempts: 1 } }),
    ).toMatchObject({ holds: true });
  });

  it("fails on each clause, naming the member", () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /webhooks is not an object/],
      [{ ...durable, signatureAlgorithms: ["standard-webhooks"] }, /lacks v1/],
      [{ ...durable, durable: false }, /webhooks\.durable/],
      [{ ...webhooks, durable: undefined, maxAttempts: 4 }, /webhooks\.durable/],
      [{ ...durable, maxAttempts: 0 }, /maxAttempts/],
      [{ ...durable, maxAttempts: 2.5 }, /maxAttempts/],
      [{ ...durable, maxAttempts: "4" }, /maxAttempts/],
      [{ ...durable, maxAttempts: undefined }, /maxAttempts/],
    ];
    for (const [block, reason] of cases) {
      const document = (block === undefined ? base : { ...base, webhooks: block }) as Capabilities;
      const result = durableProfile?.predicate(document);
      expect(result?.holds, JSON.stringify(block)).toBe(false);
      expect(result?.reason).toMatch(reason);
    }
  });

  it("includes openwop-core", () => {
    expect(durableProfile?.predicate({ ...base, protocolVersion: "0.9", webhooks: durable })).toMatchObject({
      holds: false,
    });
  });
});

const runManagement = PROFILES.find((profile) => profile.id === "openwop-run-management");

describe("openwop-run-management (spec/v1/profiles.md §3.12)", () => {
  it("holds when listing and bulk cancel are both advertised, and names the member that is missing", () => {
    expect(runManagement?.predicate({ ...base, runs: { list: true, bulkCancel: true } })).toMatchObject({
      holds: true,
    });
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /runs is not an object/],
      [{ list: true, bulkCancel: false }, /runs\.bulkCancel/],
      [{ list: "yes", bulkCancel: true }, /runs\.list/],
    ];
    for (const [block, reason] of cases) {
      const document = (block === undefined ? base : { ...base, runs: block }) as Capabilities;
      const result = runManagement?.predicate(document);
      expect(result?.holds, JSON.stringify(block)).toBe(false);
      expect(result?.reason).toMatch(reason);
    }
  });
});

const runPause = PROFILES.find((profile) => profile.id === "openwop-run-pause");

describe("openwop-run-pause (spec/v1/profiles.md §3.13)", () => {
  it("holds when pause is supported with the default drain policy, and names the member that is missing", () => {
    const advertised = { supported: true, drainPolicies: ["drain-current-node" as const, "immediate" as const] };
    expect(
      runPause?.predicate({ ...base, runs: { list: true, bulkCancel: true, pauseResume: advertised } }),
    ).toMatchObject({ holds: true });
    const cases: Array<[unknown, RegExp]> = [
      [{ list: true, bulkCancel: true }, /runs\.pauseResume is not an object/],
      [{ list: true, bulkCancel: true, pauseResume: { ...advertised, supported: false } }, /supported/],
      [
        { list: true, bulkCancel: true, pauseResume: { supported: true, drainPolicies: ["immediate"] } },
        /drain-current-node/,
      ],
    ];
    for (const [block, reason] of cases) {
      const result = runPause?.predicate({ ...base, runs: block } as Capabilities);
      expect(result?.holds, JSON.stringify(block)).toBe(false);
      expect(result?.reason).toMatch(reason);
    }
  });
});

const expressionsProfile = PROFILES.find((profile) => profile.id === "openwop-expressions");

describe("openwop-expressions (spec/v1/profiles.md §3.14)", () => {
  it("holds when CEL expressions are advertised, and says why not otherwise", () => {
    const advertised = { language: "cel", version: "1", maxExpressionBytes: 4096 };
    expect(expressionsProfile?.predicate({ ...base, expressions: advertised } as Capabilities)).toMatchObject({
      holds: true,
    });
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /expressions is not an object/],
      [{ ...advertised, language: "jsonata" }, /not "cel"/],
    ];
    for (const [block, reason] of cases) {
      const result = expressionsProfile?.predicate({ ...base, expressions: block } as Capabilities);
      expect(result?.holds, JSON.stringify(block)).toBe(false);
      expect(result?.reason).toMatch(reason);
    }
  });
});
