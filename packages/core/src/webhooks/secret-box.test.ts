import { createDecipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox, secretBoxFromEnvValue } from "./secret-box.js";

const SECRET = "8d0c1f0e4a9b7c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";

function packedOf(sealed: string): Buffer {
  return Buffer.from(sealed.slice("aes-256-gcm:".length), "base64");
}

function withPacked(sealed: string, change: (packed: Buffer) => void): string {
  const packed = packedOf(sealed);
  change(packed);
  return `aes-256-gcm:${packed.toString("base64")}`;
}

describe("SecretBox with a key", () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it("protects, and round-trips secrets of any text", () => {
    expect(box.protects).toBe(true);
    for (const secret of [SECRET, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "clé secrète — 秘密", ""]) {
      expect(box.open(box.seal(secret))).toBe(secret);
    }
  });

  it("seals as aes-256-gcm:<base64 iv|tag|ciphertext> that AES-256-GCM itself opens", () => {
    const sealed = box.seal(SECRET);
    expect(sealed).toMatch(/^aes-256-gcm:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain(SECRET);
    const packed = packedOf(sealed);
    expect(packed).toHaveLength(12 + 16 + Buffer.byteLength(SECRET));
    const decipher = createDecipheriv("aes-256-gcm", key, packed.subarray(0, 12));
    decipher.setAuthTag(packed.subarray(12, 28));
    expect(Buffer.concat([decipher.update(packed.subarray(28)), decipher.final()]).toString()).toBe(SECRET);
  });

  it("uses a fresh IV each time", () => {
    const a = box.seal(SECRET);
    const b = box.seal(SECRET);
    expect(a).not.toBe(b);
    expect(packedOf(a).subarray(0, 12).equals(packedOf(b).subarray(0, 12))).toBe(false);
  });

  it.each([
    ["the ciphertext", 30],
    ["the tag", 14],
    ["the IV", 3],
  ])("refuses a value whose %s was altered", (_part, index) => {
    const tampered = withPacked(box.seal(SECRET), (packed) => {
      packed[index] = (packed[index] ?? 0) ^ 0x01;
    });
    expect(() => box.open(tampered)).toThrow(/failed authentication/);
  });

  it("refuses a truncated value and a value of an unknown kind", () => {
    const sealed = box.seal(SECRET);
    expect(() => box.open(sealed.slice(0, "aes-256-gcm:".length + 20))).toThrow(/truncated/);
    expect(() => box.open(withPacked(sealed, () => {}).slice(0, -8))).toThrow();
    expect(() => box.open(`aes-128-cbc:${packedOf(sealed).toString("base64")}`)).toThrow(/not a sealed/);
    expect(() => box.open(SECRET)).toThrow(/not a sealed/);
  });

  it("refuses a value sealed under another key", () => {
    const sealed = new SecretBox(randomBytes(32)).seal(SECRET);
    expect(() => box.open(sealed)).toThrow(/failed authentication/);
  });

  it("still opens values stored before a key was configured", () => {
    expect(box.open(new SecretBox().seal(SECRET))).toBe(SECRET);
  });

  it("keeps its own copy of the key", () => {
    const mutable = Buffer.from(key);
    const own = new SecretBox(mutable);
    const sealed = own.seal(SECRET);
    mutable.fill(0);
    expect(own.open(sealed)).toBe(SECRET);
  });

  it("refuses a key of the wrong length", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new SecretBox(randomBytes(33))).toThrow(/32 bytes/);
  });
});

describe("SecretBox without a key", () => {
  const box = new SecretBox();

  it("says it protects nothing and stores plain:<base64>", () => {
    expect(box.protects).toBe(false);
    const sealed = box.seal(SECRET);
    expect(sealed).toBe(`plain:${Buffer.from(SECRET).toString("base64")}`);
    expect(box.open(sealed)).toBe(SECRET);
    expect(box.open(box.seal("clé — 秘密"))).toBe("clé — 秘密");
  });

  it("cannot open an encrypted value, and says which setting is missing", () => {
    const sealed = new SecretBox(randomBytes(32)).seal(SECRET);
    expect(() => box.open(sealed)).toThrow(/OPENWOP_WEBHOOK_SECRET_KEY/);
  });
});

describe("secretBoxFromEnvValue", () => {
  const key = randomBytes(32);

  it("gives a box without a key for an absent or blank value", () => {
    expect(secretBoxFromEnvValue().protects).toBe(false);
    expect(secretBoxFromEnvValue("").protects).toBe(false);
    expect(secretBoxFromEnvValue("  \n").protects).toBe(false);
  });

  it.each([
    ["64 hex characters", key.toString("hex")],
    ["64 upper-case hex characters", key.toString("hex").toUpperCase()],
    ["base64", key.toString("base64")],
    ["base64url", key.toString("base64url")],
    ["base64 with a trailing newline", `${key.toString("base64")}\n`],
  ])("reads %s as the key", (_label, raw) => {
    const box = secretBoxFromEnvValue(raw);
    expect(box.protects).toBe(true);
    // Opened by a box holding the same 32 bytes: the value was read as that key.
    expect(new SecretBox(key).open(box.seal(SECRET))).toBe(SECRET);
  });

  it.each([
    ["31 bytes of hex", randomBytes(31).toString("hex")],
    ["33 bytes of hex", randomBytes(33).toString("hex")],
    ["16 bytes of base64", randomBytes(16).toString("base64")],
    ["48 bytes of base64", randomBytes(48).toString("base64")],
    ["a passphrase", "correct horse battery staple"],
    ["hex with a stray character", `${key.toString("hex").slice(0, 63)}g`],
  ])("refuses %s, naming the setting and not the value", (_label, raw) => {
    try {
      secretBoxFromEnvValue(raw);
      expect.unreachable("a malformed key was accepted");
    } catch (error) {
      expect((error as Error).message).toContain("OPENWOP_WEBHOOK_SECRET_KEY");
      expect((error as Error).message).not.toContain(raw.trim());
    }
  });
});
