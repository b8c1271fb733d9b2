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
