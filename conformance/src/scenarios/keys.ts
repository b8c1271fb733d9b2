import type { RawResponse } from "@openwop/client";
import { validateApiKey, validateApiKeyList } from "@openwop/schema";
import type { ApiKey, ApiKeyList, IssuedApiKey } from "@openwop/types";
import { assertErrorEnvelope } from "../lib/error-envelope.js";
import {
  assertBearerChallenge,
  assertIssuedAnswer,
  assertNoSecretMaterial,
  issueKey,
  keyPath,
  propagationMs,
  revokeQuietly,
  SUITE_KEY_LABEL,
  selfWith,
  waitForKeyRefusal,
} from "../lib/keys.js";
import { assertSchemaValid } from "../lib/schema-checks.js";
import type { Assertions } from "../runner/assertions.js";
import { discoveryValue, keysAdvertised, needsKeys, needsRateLimit } from "../runner/gates.js";
import type { Scenario, ScenarioContext } from "../runner/scenario.js";
import { BOGUS_KEY } from "./auth.js";

const PROFILES = ["openwop-auth-api-key-rotation"] as const;

/** Most pages `GET /v1/keys` is followed through before the suite gives up looking. */
const MAX_PAGES = 50;

/** Slack on top of every advertised bound, for the round trips of the checks themselves. */
const MARGIN_MS = 1_000;

const sorted = (values: readonly string[]) => [...values].sort();

/** Reads a key's metadata with the primary key and asserts the `api-key` schema. */
async function metadata(context: ScenarioContext, keyId: string, label: string): Promise<ApiKey> {
  const assert: Assertions = context.assert;
  const response = await context.client.raw("GET", keyPath(keyId));
  assert.equal(response.status, 200, `${label}: GET /v1/keys/{keyId} status`);
  assertSchemaValid(assert, validateApiKey, response.body, `${label}: key metadata`);
  return response.body as ApiKey;
}

/** `GET /v1/keys/self` with `secret` must answer 200 with that key's metadata. */
async function assertWorks(context: ScenarioContext, secret: string, keyId: string, label: string): Promise<ApiKey> {
  const assert: Assertions = context.assert;
  const response = await selfWith(context, secret);
  assert.equal(response.status, 200, `${label}: GET /v1/keys/self status (answer ${response.text.slice(0, 160)})`);
  assertSchemaValid(assert, validateApiKey, response.body, `${label}: GET /v1/keys/self`);
  const self = response.body as ApiKey;
  assert.equal(self.keyId, keyId, `${label}: GET /v1/keys/self names the calling key`);
  return self;
}

/** Follows `GET /v1/keys` from the first page until `keyId` is found or the pages end. */
async function findInList(
  context: ScenarioContext,
  keyId: string,
  check: (page: ApiKeyList, response: RawResponse, label: string) => void,
  auth?: string,
): Promise<ApiKey | undefined> {
  let cursor: string | null = null;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const query: string = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const response = await context.client.raw("GET", `/v1/keys${query}`, auth === undefined ? {} : { auth });
    const label = `GET /v1/keys page ${page}`;
    context.assert.equal(response.status, 200, `${label}: status`);
    assertSchemaValid(context.assert, validateApiKeyList, response.body, label);
    const list = response.body as ApiKeyList;
    check(list, response, label);
    const found = list.keys.find((key) => key.keyId === keyId);
    if (found !== undefined) return found;
    if (list.nextCursor === null) return undefined;
    cursor = list.nextCursor;
  }
  context.note(`stopped looking after ${MAX_PAGES} pages of GET /v1/keys`);
  return undefined;
}

/** Asserts the `createdAt` of `keys` never increases (auth.md §10.4: newest first). */
function assertNewestFirst(assert: Assertions, keys: readonly ApiKey[], label: string): void {
  for (let index = 1; index < keys.length; index += 1) {
    const before = keys[index - 1] as ApiKey;
    const after = keys[index] as ApiKey;
    assert.ok(
      Date.parse(before.createdAt) >= Date.parse(after.createdAt),
      `${label}: keys are newest first (${before.keyId} created ${before.createdAt} before ${after.keyId} created ${after.createdAt})`,
    );
  }
}

/** Another tenant's answer must be exactly an unknown key's (auth.md §5.2, §10.2). */
function assertSameAsUnknown(
  assert: Assertions,
  foreign: RawResponse,
  unknown: RawResponse,
  ids: { readonly foreign: string; readonly unknown: string },
  label: string,
): void {
  const envelope = assertErrorEnvelope(assert, foreign, { code: "not_found" }, `${label} of another tenant's key`);
  const unknownEnvelope = assertErrorEnvelope(assert, unknown, { code: "not_found" }, `${label} of an unknown key`);
  // Messages may name the id asked for; beyond that they must not differ, or they leak existence.
  assert.equal(
    envelope.message.replaceAll(ids.foreign, "{keyId}"),
    unknownEnvelope.message.replaceAll(ids.unknown, "{keyId}"),
    `${label}: another tenant's key gets the message an unknown key gets`,
  );
  assert.deepEqual(
    JSON.stringify(envelope.details ?? null).replaceAll(ids.foreign, "{keyId}"),
    JSON.stringify(unknownEnvelope.details ?? null).replaceAll(ids.unknown, "{keyId}"),
    `${label}: another tenant's key gets the details an unknown key gets`,
  );
}

const isPositiveInt = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 1;

export const keyScenarios: readonly Scenario[] = [
  {
    id: "keys-issue-and-list",
    title: "POST /v1/keys shows the secret once (no-store); list and read show metadata without secret or digest",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.3",
    alsoCites: ["spec/v1/auth.md §10.2", "spec/v1/auth.md §10.4"],
    gate: needsKeys,
    async run(context) {
      const assert: Assertions = context.assert;
      const scopes = ["runs:read", "manifest:read"];
      const issued = await issueKey(context, { scopes });
      assert.deepEqual(sorted(issued.scopes), sorted(scopes), "the issued key grants exactly the scopes asked for");
      assert.equal(issued.label, SUITE_KEY_LABEL, "the issued key carries the label asked for");

      // The key works at once, on GET /v1/keys/self and on a route of a scope it holds.
      const self = await assertWorks(context, issued.key, issued.keyId, "the new key");
      assert.equal(self.tenant, issued.tenant, "GET /v1/keys/self: tenant");
      assert.equal(self.prefix, issued.prefix, "GET /v1/keys/self: prefix");
      assert.equal(self.origin, "api", "a key issued over HTTP has origin api");
      assert.equal(self.status, "active", "a new key is active");
      assertNoSecretMaterial(assert, JSON.stringify(self), issued.key, "GET /v1/keys/self");
      const read = await context.client.raw("GET", "/v1/runs/run-that-does-not-exist", { auth: issued.key });
      assertErrorEnvelope(assert, read, { code: "not_found" }, "GET /v1/runs/{unknown} with a runs:read key");

      const byId = await context.client.raw("GET", keyPath(issued.keyId));
      assert.equal(byId.status, 200, "GET /v1/keys/{keyId}: status");
      assertSchemaValid(assert, validateApiKey, byId.body, "GET /v1/keys/{keyId}");
      assertNoSecretMaterial(assert, byId.text, issued.key, "GET /v1/keys/{keyId}");
      const byIdKey = byId.body as ApiKey;
      assert.equal(byIdKey.keyId, issued.keyId, "GET /v1/keys/{keyId}: keyId");
      assert.deepEqual(sorted(byIdKey.scopes), sorted(scopes), "GET /v1/keys/{keyId}: scopes");
      assert.equal(byIdKey.createdAt, issued.createdAt, "GET /v1/keys/{keyId}: createdAt as issued");

      // One key per page, to see the cursor work and the order hold.
      const first = await context.client.raw("GET", "/v1/keys?limit=1");
      assert.equal(first.status, 200, "GET /v1/keys?limit=1: status");
      assertSchemaValid(assert, validateApiKeyList, first.body, "GET /v1/keys?limit=1");
      assertNoSecretMaterial(assert, first.text, issued.key, "GET /v1/keys?limit=1");
      const firstPage = first.body as ApiKeyList;
      assert.ok(firstPage.keys.length === 1, `GET /v1/keys?limit=1 answers one key (got ${firstPage.keys.length})`);
      if (firstPage.nextCursor !== null) {
        const second = await context.client.raw(
          "GET",
          `/v1/keys?limit=1&cursor=${encodeURIComponent(firstPage.nextCursor)}`,
        );
        assert.equal(second.status, 200, "GET /v1/keys with the first page's nextCursor: status");
        assertSchemaValid(assert, validateApiKeyList, second.body, "the second page of GET /v1/keys?limit=1");
        assertNoSecretMaterial(assert, second.text, issued.key, "the second page of GET /v1/keys?limit=1");
        const secondPage = second.body as ApiKeyList;
        assert.ok(
          secondPage.keys.every((key) => !firstPage.keys.some((seen) => seen.keyId === key.keyId)),
          "auth.md §10.3: GET /v1/keys?limit=1&cursor={nextCursor}: the second page must repeat no key of the " +
            "first; keys repeated",
          secondPage.keys.filter((key) => firstPage.keys.some((seen) => seen.keyId === key.keyId)).length,
        );
        assertNewestFirst(assert, [...firstPage.keys, ...secondPage.keys], "pages one and two");
      } else {
        context.note("the tenant had one key only, so no second page was read");
      }

      const listed = await findInList(context, issued.keyId, (page, response, label) => {
        assertNoSecretMaterial(assert, response.text, issued.key, label);
        assertNewestFirst(assert, page.keys, label);
      });
      assert.ok(listed !== undefined, `auth.md §10.3: GET /v1/keys (every page) must list the new key ${issued.keyId}`);
      assert.equal(listed.prefix, issued.prefix, "the listed key's prefix");

      const bogus = await context.client.raw("GET", "/v1/keys?cursor=not-a-cursor-this-host-issued");
      assertErrorEnvelope(assert, bogus, { status: 400 }, "GET /v1/keys with a cursor the host did not issue");
    },
  },
  {
    id: "keys-self",
    title: "A key with runs:read only reads its own metadata on GET /v1/keys/self, and gets 403 on GET /v1/keys",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.5",
    alsoCites: ["spec/v1/auth.md §4.2"],
    gate: needsKeys,
    async run(context) {
      const assert: Assertions = context.assert;
      const issued = await issueKey(context, { scopes: ["runs:read"] });
      const self = await assertWorks(context, issued.key, issued.keyId, "a runs:read key");
      assert.deepEqual(self.scopes, ["runs:read"], "GET /v1/keys/self: scopes");
      assert.equal(self.kind, issued.kind, "GET /v1/keys/self: kind");
      assert.equal(self.tenant, issued.tenant, "GET /v1/keys/self: tenant");
      assert.equal(self.expiresAt, null, "GET /v1/keys/self: a key issued without expiresAt does not expire");
      const list = await context.client.raw("GET", "/v1/keys", { auth: issued.key });
      const envelope = assertErrorEnvelope(assert, list, { code: "forbidden" }, "GET /v1/keys with a runs:read key");
      assert.equal(envelope.details?.requiredScope, "keys:manage", "details.requiredScope names keys:manage");
      const other = await context.client.raw("GET", keyPath(issued.keyId), { auth: issued.key });
      const otherEnvelope = assertErrorEnvelope(
        assert,
        other,
        { code: "forbidden" },
        "GET /v1/keys/{keyId} of itself with a runs:read key",
      );
      assert.equal(otherEnvelope.details?.requiredScope, "keys:manage", "details.requiredScope names keys:manage");
    },
  },
  {
    id: "keys-no-escalation",
    title: "A key cannot issue a key with a scope it lacks: 403 forbidden, reason scope_escalation",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.3",
    gate: needsKeys,
    async run(context) {
      const assert: Assertions = context.assert;
      const issuer = await issueKey(context, { scopes: ["runs:read", "keys:manage"] });
      const newestBefore = await context.client.raw("GET", "/v1/keys?limit=1", { auth: issuer.key });
      assert.equal(newestBefore.status, 200, "GET /v1/keys with a keys:manage key: status");
      for (const scopes of [["runs:create"], ["runs:read", "runs:create"]]) {
        const response = await context.client.raw("POST", "/v1/keys", {
          auth: issuer.key,
          body: { scopes, label: SUITE_KEY_LABEL },
        });
        const keyId = (response.body as { keyId?: unknown } | undefined)?.keyId;
        if (typeof keyId === "string") context.defer(() => revokeQuietly(context, keyId));
        const label = `POST /v1/keys ${JSON.stringify(scopes)} by a runs:read + keys:manage key`;
        const envelope = assertErrorEnvelope(assert, response, { code: "forbidden" }, label);
        assert.equal(envelope.details?.reason, "scope_escalation", `${label}: details.reason`);
        assert.deepEqual(
          envelope.details?.scopes,
          ["runs:create"],
          `${label}: details.scopes lists the scope not held`,
        );
      }
      const newestAfter = await context.client.raw("GET", "/v1/keys?limit=1", { auth: issuer.key });
      assert.deepEqual(
        (newestAfter.body as ApiKeyList | undefined)?.keys?.[0]?.keyId,
        (newestBefore.body as ApiKeyList | undefined)?.keys?.[0]?.keyId,
        "a refused issuance created no key",
      );
      // What the issuer holds it may pass on.
      const allowed = await issueKey(context, { scopes: ["runs:read"] }, issuer.key);
      assert.deepEqual(allowed.scopes, ["runs:read"], "a key may issue a key with a scope it holds");
      assert.equal(allowed.tenant, issuer.tenant, "an issued key acts for its issuer's tenant");
    },
  },
  {
    id: "keys-rotation-grace",
    title: "A rotated key and its successor both work until graceUntil; then the old one gets 401 key_expired",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.6",
    alsoCites: ["spec/v1/auth.md §10.8"],
    gate: needsKeys,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const graceSeconds = 2;
      const bound = propagationMs(context);
      const old = await issueKey(context, { scopes: ["runs:read"] });
      await assertWorks(context, old.key, old.keyId, "the key before rotation");

      const sentAt = Date.now();
      const rotated = await client.raw("POST", `${keyPath(old.keyId)}/rotate`, { body: { graceSeconds } });
      const answeredAt = Date.now();
      const successorId = (rotated.body as { keyId?: unknown } | undefined)?.keyId;
      if (typeof successorId === "string") context.defer(() => revokeQuietly(context, successorId));
      assert.equal(rotated.status, 201, `POST /v1/keys/{keyId}/rotate (answer ${rotated.text.slice(0, 160)}): status`);
      assertIssuedAnswer(assert, rotated, "POST /v1/keys/{keyId}/rotate");
      const successor = rotated.body as IssuedApiKey;
      assert.equal(successor.replaces, old.keyId, "the successor's replaces names the rotated key");
      assert.isString(successor.graceUntil, "the rotation answer carries graceUntil");
      assert.ok(
        successor.keyId !== old.keyId && successor.key !== old.key,
        "auth.md §10.6: POST /v1/keys/{keyId}/rotate: the successor must be a new key (a new keyId and a new " +
          "secret); same keyId, same secret",
        [successor.keyId === old.keyId, successor.key === old.key],
      );
      assert.deepEqual(sorted(successor.scopes), sorted(old.scopes), "the successor keeps the scopes");
      assert.equal(successor.kind, old.kind, "the successor keeps the kind");
      assert.equal(successor.label, old.label, "the successor keeps the label");
      assert.equal(successor.tenant, old.tenant, "the successor keeps the tenant");
      const graceMs = Date.parse(successor.graceUntil) - Date.parse(successor.createdAt);
      assert.ok(
        Math.abs(graceMs - graceSeconds * 1000) <= 1_000,
        `graceUntil is graceSeconds after the rotation (createdAt ${successor.createdAt}, graceUntil ${successor.graceUntil})`,
      );

      // Both work at once; the old key says it is in its grace period.
      await assertWorks(context, successor.key, successor.keyId, "the successor");
      await assertWorks(context, old.key, old.keyId, "the rotated key during its grace");
      const during = await metadata(context, old.keyId, "the rotated key during its grace");
      assert.equal(during.status, "grace", "the rotated key's status during its grace");
      assert.equal(during.replacedBy, successor.keyId, "the rotated key's replacedBy names the successor");
      assert.isString(during.rotatedAt, "the rotated key's rotatedAt");
      assert.ok(
        during.expiresAt !== null && Date.parse(during.expiresAt) <= Date.parse(successor.graceUntil),
        `the rotated key's expiresAt (${String(during.expiresAt)}) is at most graceUntil (${successor.graceUntil})`,
      );
      const again = await client.raw("POST", `${keyPath(old.keyId)}/rotate`, { body: { graceSeconds } });
      const againId = (again.body as { keyId?: unknown } | undefined)?.keyId;
      if (typeof againId === "string") context.defer(() => revokeQuietly(context, againId));
      const chained = assertErrorEnvelope(
        assert,
        again,
        { code: "key_not_active" },
        "rotating a key in its grace period",
      );
      assert.equal(chained.details?.reason, "rotated", "rotating a key in its grace period: details.reason");

      // The grace ends graceSeconds after the host handled the rotation, which it did after `sentAt`.
      const refused = await waitForKeyRefusal(
        context,
        old.key,
        "key_expired",
        answeredAt + graceSeconds * 1000 + bound + context.scaled(MARGIN_MS),
        "the rotated key after its grace",
      );
      assert.ok(
        refused.answeredAt >= sentAt + graceSeconds * 1000 - 50,
        `the rotated key was refused ${sentAt + graceSeconds * 1000 - refused.answeredAt} ms before its grace could have ended`,
      );
      await assertWorks(context, successor.key, successor.keyId, "the successor after the old key's grace");
      const after = await metadata(context, old.keyId, "the rotated key after its grace");
      assert.equal(after.status, "expired", "the rotated key's status after its grace");
      const late = await client.raw("POST", `${keyPath(old.keyId)}/rotate`, { body: { graceSeconds } });
      const lateId = (late.body as { keyId?: unknown } | undefined)?.keyId;
      if (typeof lateId === "string") context.defer(() => revokeQuietly(context, lateId));
      const ended = assertErrorEnvelope(assert, late, { code: "key_not_active" }, "rotating a key past its grace");
      assert.oneOf(ended.details?.reason, ["expired", "rotated"], "rotating a key past its grace: details.reason");
    },
  },
  {
    id: "keys-revocation",
    title: "DELETE /v1/keys/{keyId} answers 204; within revocationPropagationSeconds the key gets 401 key_revoked",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.7",
    alsoCites: ["spec/v1/auth.md §10.8"],
    gate: needsKeys,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const bound = propagationMs(context);
      const issued = await issueKey(context, { scopes: ["runs:read"] });
      await assertWorks(context, issued.key, issued.keyId, "the key before revocation");
      const revoked = await client.raw("DELETE", keyPath(issued.keyId));
      const answeredAt = Date.now();
      assert.equal(revoked.status, 204, "DELETE /v1/keys/{keyId}: status");
      assert.equal(revoked.text, "", "a 204 has no body");
      await waitForKeyRefusal(
        context,
        issued.key,
        "key_revoked",
        answeredAt + bound + context.scaled(250),
        `the revoked key (bound ${bound} ms)`,
      );
      const elsewhere = await client.raw("GET", "/v1/runs/run-that-does-not-exist", { auth: issued.key });
      assertErrorEnvelope(assert, elsewhere, { code: "key_revoked" }, "GET /v1/runs/{id} with the revoked key");
      assertBearerChallenge(assert, elsewhere, "GET /v1/runs/{id} with the revoked key");

      const first = await metadata(context, issued.keyId, "the revoked key");
      assert.equal(first.status, "revoked", "the revoked key's status");
      assert.isString(first.revokedAt, "the revoked key's revokedAt");
      await context.sleep(20);
      const twice = await client.raw("DELETE", keyPath(issued.keyId));
      assert.equal(twice.status, 204, "DELETE of an already revoked key: status");
      const second = await metadata(context, issued.keyId, "the key revoked twice");
      assert.equal(second.revokedAt, first.revokedAt, "a second revocation keeps the first revokedAt");
    },
  },
  {
    id: "keys-expiry",
    title: "A key issued with expiresAt two seconds ahead works, then gets 401 key_expired",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.8",
    alsoCites: ["spec/v1/auth.md §10.3"],
    gate: needsKeys,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const bound = propagationMs(context);
      const past = await client.raw("POST", "/v1/keys", {
        body: { scopes: ["runs:read"], label: SUITE_KEY_LABEL, expiresAt: new Date(Date.now() - 60_000).toISOString() },
      });
      const pastId = (past.body as { keyId?: unknown } | undefined)?.keyId;
      if (typeof pastId === "string") context.defer(() => revokeQuietly(context, pastId));
      assertErrorEnvelope(assert, past, { code: "validation_error" }, "POST /v1/keys with an expiresAt in the past");

      const expiresAt = new Date(Date.now() + 2_000).toISOString();
      const issued = await issueKey(context, { scopes: ["runs:read"], expiresAt });
      assert.ok(
        issued.expiresAt !== null && Math.abs(Date.parse(issued.expiresAt) - Date.parse(expiresAt)) < 1_000,
        `the issued key's expiresAt (${String(issued.expiresAt)}) is the one asked for (${expiresAt})`,
      );
      const self = await assertWorks(context, issued.key, issued.keyId, "the key before its expiry");
      assert.equal(self.status, "active", "the key's status before its expiry");
      await waitForKeyRefusal(
        context,
        issued.key,
        "key_expired",
        Date.parse(issued.expiresAt ?? expiresAt) + bound + context.scaled(MARGIN_MS),
        "the key after its expiresAt",
      );
      const after = await metadata(context, issued.keyId, "the expired key");
      assert.equal(after.status, "expired", "the expired key's status");
    },
  },
  {
    id: "keys-cross-tenant",
    title: "Another tenant's key id gets 404 not_found on read, rotate and revoke, and the key keeps working",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.2",
    alsoCites: ["spec/v1/auth.md §5.2"],
    gate: needsKeys,
    async run(context) {
      const { client, options } = context;
      const assert: Assertions = context.assert;
      const secondary = options.secondaryApiKey;
      if (secondary === undefined) return context.skip("needs --secondary-api-key (a key of another tenant)", false);
      const otherSelf = await selfWith(context, secondary);
      if (otherSelf.status !== 200) {
        return context.skip(
          `GET /v1/keys/self with the secondary-tenant key answered ${otherSelf.status}; the scenario needs one of the host's keys`,
          false,
        );
      }
      const otherKey = otherSelf.body as ApiKey;
      if (!Array.isArray(otherKey.scopes) || !otherKey.scopes.includes("keys:manage")) {
        return context.skip("the secondary-tenant key lacks keys:manage, so only a 403 could be observed", false);
      }
      const issued = await issueKey(context, { scopes: ["runs:read"] });
      assert.ok(
        otherKey.tenant !== issued.tenant,
        `the secondary key must belong to another tenant (both act for ${issued.tenant})`,
      );
      const unknownId = "key_conformance_unknown_0000";
      const ids = { foreign: issued.keyId, unknown: unknownId };
      const as = { auth: secondary };

      assertSameAsUnknown(
        assert,
        await client.raw("GET", keyPath(issued.keyId), as),
        await client.raw("GET", keyPath(unknownId), as),
        ids,
        "GET /v1/keys/{keyId}",
      );
      const rotate = await client.raw("POST", `${keyPath(issued.keyId)}/rotate`, { ...as, body: { graceSeconds: 0 } });
      const rotatedId = (rotate.body as { keyId?: unknown } | undefined)?.keyId;
      if (typeof rotatedId === "string") context.defer(() => revokeQuietly(context, rotatedId));
      assertSameAsUnknown(
        assert,
        rotate,
        await client.raw("POST", `${keyPath(unknownId)}/rotate`, { ...as, body: { graceSeconds: 0 } }),
        ids,
        "POST /v1/keys/{keyId}/rotate",
      );
      assertSameAsUnknown(
        assert,
        await client.raw("DELETE", keyPath(issued.keyId), as),
        await client.raw("DELETE", keyPath(unknownId), as),
        ids,
        "DELETE /v1/keys/{keyId}",
      );

      // Nothing happened to the key: it works, is active, and is not in the other tenant's list.
      await context.sleep(propagationMs(context));
      await assertWorks(context, issued.key, issued.keyId, "the key after another tenant's attempts");
      const after = await metadata(context, issued.keyId, "the key after another tenant's attempts");
      assert.equal(after.status, "active", "the key is still active");
      assert.equal(after.replacedBy, null, "the key was not rotated");
      const listedForOther = await findInList(
        context,
        issued.keyId,
        (page, _response, label) =>
          assert.ok(
            page.keys.every((key) => key.tenant === otherKey.tenant),
            `auth.md §10.2: ${label} with the secondary key must list only its own tenant's keys; tenants listed`,
            [...new Set(page.keys.map((key) => key.tenant))],
          ),
        secondary,
      );
      assert.ok(
        listedForOther === undefined,
        "auth.md §10.2: GET /v1/keys with another tenant's key must not list the primary tenant's key; listed with " +
          "tenant",
        listedForOther?.tenant,
      );
    },
  },
  {
    id: "auth-www-authenticate",
    title: "Every 401 of a key-managing host carries WWW-Authenticate with the Bearer scheme",
    profiles: PROFILES,
    spec: "spec/v1/auth.md §10.8",
    alsoCites: ["spec/v1/auth.md §4.1"],
    gate: needsKeys,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const cases: ReadonlyArray<{
        readonly what: string;
        readonly headers?: Record<string, string>;
        readonly auth: false | string;
      }> = [
        { what: "without Authorization", auth: false },
        { what: "with a Bearer header and no key", auth: false, headers: { authorization: "Bearer" } },
        { what: "with a Basic header", auth: false, headers: { authorization: "Basic Zm9vOmJhcg==" } },
        { what: "with an unknown key", auth: BOGUS_KEY },
      ];
      const routes = [
        ["GET", "/v1/keys/self"],
        ["GET", "/v1/keys"],
        ["GET", "/v1/runs/run-that-does-not-exist"],
      ] as const;
      for (const { what, headers, auth } of cases) {
        for (const [method, path] of routes) {
          const response = await client.raw(method, path, { auth, ...(headers === undefined ? {} : { headers }) });
          const label = `${method} ${path} ${what}`;
          assertErrorEnvelope(assert, response, { code: "unauthenticated" }, label);
          assertBearerChallenge(assert, response, label);
        }
      }
    },
  },
  {
    id: "auth-rate-limit",
    title: "A key over its advertised rate gets 429 rate_limited with Retry-After; public endpoints are never limited",
    // Rate limiting is optional and its absence denies nothing (RFC 0010 §5): in no profile's set.
    profiles: [],
    spec: "spec/v1/auth.md §7",
    gate: needsRateLimit,
    async run(context) {
      const { client, discovery } = context;
      const assert: Assertions = context.assert;
      const burst = discoveryValue(discovery, "rateLimit.burst");
      const rate = discoveryValue(discovery, "rateLimit.requestsPerSecond");
      assert.ok(isPositiveInt(burst), `rateLimit.burst is a positive integer (got ${String(burst)})`);
      assert.ok(isPositiveInt(rate), `rateLimit.requestsPerSecond is a positive integer (got ${String(rate)})`);
      assert.equal(discoveryValue(discovery, "rateLimit.scope"), "key", "rateLimit.scope");

      // A fresh key has a full bucket of its own, so no other scenario is throttled by this one.
      let secret = context.options.apiKey;
      let route = "/v1/runs/run-that-does-not-exist";
      let granted = 404;
      if (keysAdvertised(discovery)) {
        secret = (await issueKey(context, { scopes: ["runs:read"] })).key;
        route = "/v1/keys/self";
        granted = 200;
      } else {
        // The suite's own key is drained: let its bucket refill before the next scenario.
        context.defer(() => context.sleep(Math.min(60_000, Math.ceil((burst / rate) * 1000) + 500)));
      }
      const send = () => client.raw("GET", route, { auth: secret });
      const probe = async (path: string) => ({ path, response: await client.raw("GET", path, { auth: secret }) });
      // A host that sheds load answers 503 beyond its inflight cap; stay under it so the
      // limit, not the shedding, is what refuses.
      const cap = discoveryValue(discovery, "production.backpressure.inflightCap");
      const concurrency = isPositiveInt(cap) ? Math.max(1, cap - 4) : burst + 20;

      const started = performance.now();
      const responses: RawResponse[] = [];
      const probes: Array<{ path: string; response: RawResponse }> = [];
      for (let wave = 0; ; wave += 1) {
        const waveProbes = wave === 0 ? [probe("/.well-known/openwop"), probe("/v1/openapi.json")] : [];
        responses.push(...(await Promise.all(Array.from({ length: concurrency }, send))));
        probes.push(...(await Promise.all(waveProbes)));
        const elapsedSeconds = (performance.now() - started) / 1000;
        const unexpected = responses.filter(
          (response) => response.status !== granted && response.status !== 429 && response.status !== 503,
        );
        assert.ok(
          unexpected.length === 0,
          `GET ${route} during the burst answered ${[...new Set(unexpected.map((response) => response.status))].join(", ")}`,
        );
        if (responses.some((response) => response.status === 429)) break;
        const accepted = responses.filter((response) => response.status === granted).length;
        // A bucket of `burst` refilled at `rate` grants at most burst + rate·t; allow twice that.
        if (accepted > 2 * (burst + rate * elapsedSeconds) + 20) {
          return assert.fail(
            `${accepted} requests of one key were granted in ${elapsedSeconds.toFixed(2)} s without a 429; the advertised burst ${burst} and rate ${rate}/s allow about ${Math.round(burst + rate * elapsedSeconds)}`,
          );
        }
        if (performance.now() - started > context.scaled(20_000))
          return assert.fail(`no 429 within ${context.scaled(20_000)} ms (${accepted} requests granted)`);
      }
      const limited = responses.filter((response) => response.status === 429);
      let longestWaitMs = 0;
      for (const [index, response] of limited.entries()) {
        const label = `429 ${index + 1} of ${limited.length}`;
        const envelope = assertErrorEnvelope(assert, response, { code: "rate_limited" }, label);
        const header = response.headers.get("retry-after");
        assert.match(header, /^\d+$/, `${label}: Retry-After in whole seconds`);
        assert.ok(Number(header) >= 1, `${label}: Retry-After is positive (got ${header})`);
        if (envelope.details?.retryAfter !== undefined)
          assert.equal(envelope.details.retryAfter, Number(header), `${label}: details.retryAfter equals Retry-After`);
        const waitMs = envelope.details?.retryAfterMs;
        assert.ok(
          typeof waitMs === "number" && waitMs > 0,
          `${label}: details.retryAfterMs is positive (got ${String(waitMs)})`,
        );
        assert.equal(envelope.details?.scope, "key", `${label}: details.scope`);
        longestWaitMs = Math.max(longestWaitMs, waitMs as number);
      }

      // While the key is throttled, the public endpoints still answer it.
      probes.push(...(await Promise.all([probe("/.well-known/openwop"), probe("/v1/openapi.json")])));
      for (const { path, response } of probes) {
        assert.equal(response.status, 200, `GET ${path} with the throttled key's Authorization (never rate-limited)`);
      }

      // It is a rate, not a ban: after the wait the host named, the key works again.
      if (longestWaitMs > context.scaled(10_000)) {
        context.note(`the host asked for ${longestWaitMs} ms; recovery after the wait was not checked`);
        return;
      }
      await context.sleep(longestWaitMs + context.scaled(250));
      const recovered = await send();
      assert.equal(recovered.status, granted, `GET ${route} once the advertised wait is over`);
    },
  },
];
