import type { Assertions } from "../runner/assertions.js";
import { validateCapabilities } from "@openwop/schema";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { PROFILE_IDS } from "../profiles/catalog.js";
import { always } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

const PROTOCOL_VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

export const discoveryScenarios: readonly Scenario[] = [
  {
    id: "discovery-document",
    title: "Discovery is public, JSON, schema-valid, with the required fields",
    // profiles.md §4.3: every profile's set contains the discovery scenario.
    profiles: PROFILE_IDS,
    spec: "spec/v1/core.md §3.2",
    alsoCites: ["spec/v1/core.md §3.1", "spec/v1/core.md §3.3"],
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const response = await client.raw("GET", "/.well-known/openwop", { auth: false });
      assert.equal(response.status, 200, "GET /.well-known/openwop without credentials");
      assert.match(response.headers.get("content-type"), /^application\/json\b/i, "discovery Content-Type");
      assert.isObject(response.body, "discovery body");
      const document = response.body;
      assertSchemaValid(assert, validateCapabilities, document, "discovery document");
      assert.match(
        document.protocolVersion,
        PROTOCOL_VERSION,
        "protocolVersion grammar <major>.<minor> (core.md §3.3)",
      );
      assert.ok(
        Array.isArray(document.supportedEnvelopes),
        "§3.2: GET /.well-known/openwop: supportedEnvelopes must be an array",
        document.supportedEnvelopes,
      );
      assert.isObject(document.schemaVersions, "schemaVersions");
      assert.isObject(document.limits, "limits");
      for (const key of ["clarificationRounds", "schemaRounds", "envelopesPerTurn"]) {
        const value = document.limits[key];
        assert.ok(
          typeof value === "number" && Number.isInteger(value) && value >= 0,
          `§3.2: GET /.well-known/openwop: limits.${key} must be a non-negative integer`,
          value,
        );
      }
      assert.ok(
        !("capabilities" in document),
        "§3.1: GET /.well-known/openwop: capability families belong at the root, not under a `capabilities` " +
          "wrapper; top-level keys",
        Object.keys(document),
      );
      if (Array.isArray(document.protocolVersions)) {
        assert.ok(
          document.protocolVersions.includes(document.protocolVersion),
          `§3.3: GET /.well-known/openwop: protocolVersions must contain protocolVersion ${String(document.protocolVersion)}`,
          document.protocolVersions,
        );
      }
      // A credential must not change the answer: discovery is public even to a bad key.
      const withBadKey = await client.raw("GET", "/.well-known/openwop", {
        auth: "hk_definitely_not_a_real_key_12345",
      });
      assert.equal(withBadKey.status, 200, "discovery with an invalid Authorization header");
    },
  },
  {
    id: "discovery-caching",
    title: "Discovery carries Cache-Control and honours its ETag with 304",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §3.5",
    gate: always,
    async run(context) {
      const { client, note } = context;
      const assert: Assertions = context.assert;
      const first = await client.raw("GET", "/.well-known/openwop", { auth: false });
      assert.equal(first.status, 200, "GET /.well-known/openwop");
      assert.isString(first.headers.get("cache-control"), "discovery Cache-Control header");
      const etag = first.headers.get("etag");
      if (etag === null) {
        note("no ETag sent; the 304 path was not exercised");
      } else {
        const revalidated = await client.raw("GET", "/.well-known/openwop", {
          auth: false,
          headers: { "if-none-match": etag },
        });
        assert.equal(revalidated.status, 304, "If-None-Match with the served ETag");
        assert.equal(revalidated.headers.get("etag"), etag, "the 304 carries the same ETag");
        assert.equal(revalidated.text, "", "a 304 has no body");
      }
      const capabilitiesEtag = first.headers.get("capabilities-etag");
      if (capabilitiesEtag !== null) {
        const again = await client.raw("GET", "/.well-known/openwop", { auth: false });
        assert.isString(capabilitiesEtag, "Capabilities-Etag must be non-empty");
        assert.equal(
          again.headers.get("capabilities-etag"),
          capabilitiesEtag,
          "Capabilities-Etag stays stable while the document is unchanged",
        );
      }
    },
  },
  {
    id: "discovery-openapi",
    title: "GET /v1/openapi.json serves OpenAPI 3.1+ without credentials",
    profiles: ["openwop-core-standard"],
    spec: "spec/v1/core.md §4",
    gate: always,
    async run(context) {
      const { client } = context;
      const assert: Assertions = context.assert;
      const response = await client.raw("GET", "/v1/openapi.json", { auth: false });
      assert.equal(response.status, 200, "GET /v1/openapi.json without credentials");
      assert.isObject(response.body, "OpenAPI document body");
      assert.match(response.body.openapi, /^3\.[1-9]/, "openapi version");
      assert.isObject(response.body.paths, "OpenAPI paths");
    },
  },
];
