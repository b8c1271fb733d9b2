import { describe, expect, it } from "vitest";
import { canonicalDigest, canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}',
    );
  });

  it("gives equal documents equal digests regardless of key order", () => {
    expect(canonicalDigest({ x: 1, y: 2 })).toBe(canonicalDigest({ y: 2, x: 1 }));
    expect(canonicalDigest({ x: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
