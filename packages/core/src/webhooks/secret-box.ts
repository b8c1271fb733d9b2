import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const SEALED_PREFIX = "aes-256-gcm:";
const PLAIN_PREFIX = "plain:";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENV_NAME = "OPENWOP_WEBHOOK_SECRET_KEY";

/**
 * Keeps webhook signing secrets at rest (webhooks.md §10, RFC 0011 §3.8). A host must keep the
 * secret itself to sign, so it cannot store a digest; with a key kept outside the database the
 * box seals each secret with AES-256-GCM under a fresh 12-byte IV, as
 * `aes-256-gcm:<base64 of iv | tag | ciphertext>`, and refuses to open a value whose tag does
 * not verify. Without a key it stores `plain:<base64>`, which protects nothing (`protects` is
 * false, and a host says so at start-up). A keyed box still opens `plain:` values, so that
 * secrets stored before a key was configured keep working.
 */
export class SecretBox {
  readonly protects: boolean;
  readonly #key: Buffer | undefined;

  constructor(key?: Uint8Array) {
    if (key !== undefined && key.length !== KEY_BYTES) {
      throw new Error(`a secret box key is ${KEY_BYTES} bytes, not ${key.length}`);
    }
    this.#key = key === undefined ? undefined : Buffer.from(key);
    this.protects = this.#key !== undefined;
  }

  seal(secret: string): string {
    const plain = Buffer.from(secret, "utf8");
    if (this.#key === undefined) return `${PLAIN_PREFIX}${plain.toString("base64")}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
  }

  open(sealed: string): string {
    if (sealed.startsWith(PLAIN_PREFIX))
      return Buffer.from(sealed.slice(PLAIN_PREFIX.length), "base64").toString("utf8");
    if (!sealed.startsWith(SEALED_PREFIX)) throw new Error("not a sealed webhook secret");
    if (this.#key === undefined) {
      throw new Error(`this webhook secret is encrypted, and no ${ENV_NAME} is configured to open it`);
    }
    const packed = Buffer.from(sealed.slice(SEALED_PREFIX.length), "base64");
    if (packed.length < IV_BYTES + TAG_BYTES) throw new Error("a sealed webhook secret is truncated");
    const iv = packed.subarray(0, IV_BYTES);
    const tag = packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new Error(`a sealed webhook secret failed authentication (altered, or sealed under another ${ENV_NAME})`);
    }
  }
}

/**
 * A box from the `OPENWOP_WEBHOOK_SECRET_KEY` setting: 32 bytes as 64 hex characters or as
 * base64 (standard or URL-safe). Absent or blank: a box without a key. Any other value throws
 * an error naming the setting, never repeating the value.
 */
export function secretBoxFromEnvValue(raw?: string): SecretBox {
  const text = raw?.trim() ?? "";
  if (text === "") return new SecretBox();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return new SecretBox(Buffer.from(text, "hex"));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text, /[-_]/.test(text) ? "base64url" : "base64");
    if (key.length === KEY_BYTES) return new SecretBox(key);
    throw new Error(
      `${ENV_NAME} must be ${KEY_BYTES} bytes, as base64 or 64 hex characters; it decodes to ${key.length}`,
    );
  }
  throw new Error(`${ENV_NAME} must be ${KEY_BYTES} bytes, as base64 or 64 hex characters`);
}
