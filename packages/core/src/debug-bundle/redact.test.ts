import { describe, expect, it } from "vitest";
import type { JsonObject, JsonValue } from "@openwop/storage";
import { generateKeyMaterial } from "../keys/key-material.js";
import { Redactor } from "./redact.js";

const R = "[REDACTED]";

describe("Redactor: credential shapes inside strings", () => {
  const redactor = new Redactor();

  it("cuts a bearer credential out of a longer string and keeps the rest", () => {
    expect(redactor.string("called the API with Bearer abc.def-ghi_jkl= and got 401")).toBe(
      `called the API with ${R} and got 401`,
    );
    expect(redactor.string("authorization: bearer eyJhbGciOi")).not.toContain("eyJhbGciOi");
  });

  it("masks this toolkit's API keys, live and test, wherever they sit in a string", () => {
    const live = generateKeyMaterial("live").key;
    const test = generateKeyMaterial("test").key;
    const text = `keys ${live}, ${test} and hk_live_0123456789abcdef`;
    const out = redactor.string(text);
    for (const key of [live, test, "hk_live_0123456789abcdef"]) expect(out).not.toContain(key);
    expect(out).toBe(`keys ${R}, ${R} and ${R}`);
  });

  it("masks provider keys, JWTs, PEM private keys and URL passwords", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----";
    const out = redactor.string(`sk-abcdefghijklmnop1234 ${jwt} ${pem} postgres://app:s3cr3t@db.internal:5432/x`);
    for (const secret of ["sk-abcdefghijklmnop1234", jwt, "MIIBOgIBAAJBAK", "s3cr3t"])
      expect(out).not.toContain(secret);
    expect(out).toContain("postgres://app:[REDACTED]@db.internal");
  });

  it("leaves ordinary text alone", () => {
    expect(redactor.string("node b completed in 12 ms")).toBe("node b completed in 12 ms");
  });
});

describe("Redactor: secret-looking keys", () => {
  const redactor = new Redactor();

  it("masks whole values under secret keys at any depth, through arrays, in every spelling", () => {
    const input: JsonObject = {
      note: "fine",
      password: "p",
      nested: { api_key: "k", "API-KEY": "k2", list: [{ clientSecret: { deep: "x" } }, { accessToken: "t" }] },
      headers: { Authorization: "whatever" },
      credentials: ["a", "b"],
      usage: { tokens: 120, tokenCount: 3 },
    };
    expect(redactor.value(input)).toEqual({
      note: "fine",
      password: R,
      nested: { api_key: R, "API-KEY": R, list: [{ clientSecret: R }, { accessToken: R }] },
      headers: { Authorization: R },
      credentials: R,
      usage: { tokens: 120, tokenCount: 3 },
    });
  });

  it("keeps an own __proto__ member of parsed JSON as a member, redacted like any other", () => {
    const parsed = JSON.parse('{"__proto__": {"password": "p", "x": 1}}') as JsonObject;
    expect(JSON.stringify(redactor.value(parsed))).toBe('{"__proto__":{"password":"[REDACTED]","x":1}}');
  });

  it("never modifies its input", () => {
    const input = { password: "p", list: ["Bearer abcdef"] };
    redactor.value(input);
    expect(input).toEqual({ password: "p", list: ["Bearer abcdef"] });
  });

  it("uses a host's own key and value patterns instead of the defaults; non-global patterns still replace every match", () => {
    const custom = new Redactor({ secretKeyPatterns: [/^pin$/], secretValuePatterns: [/acct-\d+/] });
    expect(custom.value({ pin: 1234, password: "kept by this policy", text: "acct-1 and acct-2" })).toEqual({
      pin: R,
      password: "kept by this policy",
      text: `${R} and ${R}`,
    });
  });
});

describe("Redactor: values declared sensitive", () => {
  const redactor = new Redactor(
    {},
    { sensitiveKeys: new Set(["customerId"]), sensitiveValues: ["cust-998877", "ab", { card: "4111" }, 42] },
  );

  it("masks the declared key, the declared value inside longer strings, and equal structured values", () => {
    expect(
      redactor.value({
        customerId: "anything",
        message: "looked up cust-998877 twice: cust-998877",
        copy: { card: "4111" },
        other: { card: "5500" },
      }),
    ).toEqual({
      customerId: R,
      message: `looked up ${R} twice: ${R}`,
      copy: R,
      other: { card: "5500" },
    });
  });

  it("masks a short value only where it is the whole string, and never numbers by value", () => {
    expect(redactor.value(["ab", "cabbage", 42])).toEqual([R, "cabbage", 42]);
  });
});

describe("Redactor: values nested deeper than any request may send", () => {
  it("masks what lies below 256 levels instead of walking on, so 5 000-deep stored data cannot overflow the stack", () => {
    let deep: JsonValue = "bottom";
    for (let level = 0; level < 5_000; level++) deep = [deep];
    const redacted = new Redactor().object({ deep });
    let cursor: JsonValue | undefined = redacted["deep"];
    let levels = 0;
    while (Array.isArray(cursor)) {
      cursor = cursor[0];
      levels++;
    }
    expect(levels).toBe(255);
    expect(cursor).toBe(R);
  });
});
